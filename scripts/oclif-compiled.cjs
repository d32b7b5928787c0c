// Preloaded (NODE_OPTIONS --require) into every `sf` this repository runs: oclif transpiles a linked plugin's
// TypeScript on every start unless told not to (@oclif/core config/ts-path.js: a linked plugin is transpiled even
// outside NODE_ENV=development). Running the compiled lib/ instead is what a user's installed plugin does, and saves
// about a second of CPU per command. cli-env.ts refuses a lib/ older than src/.
globalThis.oclif = { ...globalThis.oclif, enableAutoTranspile: false };
