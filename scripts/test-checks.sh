#!/usr/bin/env bash
# npm test's steps before mocha, as two chains side by side. Each step is single-threaded (eslint, prettier, tsc, the
# contract checks; jest runs one worker on 2 cores), so run in turn they left a core idle for about two minutes. Lint
# is the longest step: it shares its chain with prettier; the other chain is tsc, the contract checks and jest (none
# reads another chain's output: the contract checks and jest read src/ and force-app/, not lib/). Each chain stops at
# its first failure and its output is printed whole when it ends, so the two never interleave. Fails if either chain
# failed. mocha runs after this: its end-to-end tests need tsc's lib/, and it uses both cores itself.
set -uo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

{ npm run lint && npm run format:check; } >"$out/lint" 2>&1 &
lint=$!
{ npm run compile && npm run test:contract && npm run test:lwc; } >"$out/build" 2>&1 &
build=$!

wait "$build"
build_status=$?
cat "$out/build"
wait "$lint"
lint_status=$?
cat "$out/lint"
[ "$build_status" -eq 0 ] && [ "$lint_status" -eq 0 ]
