# syntax=docker/dockerfile:1
#
# `sf pcsync serve` in a container: the plugin packed as published, installed into a pinned Salesforce CLI, run as
# a non-root user under tini (so SIGTERM reaches Node and serve drains before it exits), health-checked on /healthz.
# The README's "Running `sf pcsync serve` in production" says how to run it (JWT sign-in, PCSYNC_* variables).
#
#   docker build -t pcsync .
#   docker run --env-file pcsync.env -v "$PWD/secrets:/run/secrets:ro" -p 8080:8080 pcsync

# The Node major the project pins (the `node` devDependency) and the sf CLI it is tested with
# (test/unit/dockerfile.test.ts holds both to package.json and the lockfile).
ARG NODE_IMAGE=node:24-bookworm-slim
ARG SF_CLI_VERSION=2.146.3

FROM ${NODE_IMAGE} AS pack
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# prepack compiles lib/ and writes oclif.manifest.json: the same tarball `npm publish` would upload.
RUN npm pack --pack-destination /dist && mv /dist/*.tgz /dist/pcsync.tgz

FROM ${NODE_IMAGE}
ARG SF_CLI_VERSION
# tini forwards signals to its child and reaps zombies, as `docker run --init` would.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
RUN npm install --global --no-audit --no-fund "@salesforce/cli@${SF_CLI_VERSION}" && npm cache clean --force

# The CLI environment every sf this project runs gets (scripts/cli-env.json): no telemetry, no update checks, no
# auto-update. PORT is where serve listens inside the container.
ENV SF_DISABLE_TELEMETRY=true \
    SFDX_DISABLE_TELEMETRY=true \
    SF_SKIP_NEW_VERSION_CHECK=true \
    SF_AUTOUPDATE_DISABLE=true \
    SF_DISABLE_AUTOUPDATE=true \
    SF_HIDE_RELEASE_NOTES=true \
    SF_USE_PROGRESS_BAR=false \
    PORT=8080

USER node
WORKDIR /home/node
COPY --from=pack --chown=node:node /dist/pcsync.tgz /home/node/pcsync.tgz
# A plugin installed from a file is unsigned: allow-list it (Salesforce's unsignedPluginAllowList.json), or sf asks.
RUN mkdir -p /home/node/.config/sf \
    && echo '["file:/home/node/pcsync.tgz"]' > /home/node/.config/sf/unsignedPluginAllowList.json \
    && sf plugins install file:/home/node/pcsync.tgz \
    && rm /home/node/pcsync.tgz \
    && npm cache clean --force \
    && sf pcsync --help > /dev/null

# Signs in to the org with the JWT bearer flow, then replaces itself with serve (exec: tini's child is Node).
COPY --chmod=755 <<'EOF' /usr/local/bin/pcsync-serve
#!/bin/sh
set -eu
: "${SALESFORCE_USERNAME:?the Salesforce user serve runs as}"
: "${SALESFORCE_CLIENT_ID:?the consumer key of the External Client App}"
: "${SALESFORCE_JWT_KEY_FILE:?the private key file matching the certificate uploaded to the app}"
sf org login jwt --username "$SALESFORCE_USERNAME" --client-id "$SALESFORCE_CLIENT_ID" \
  --jwt-key-file "$SALESFORCE_JWT_KEY_FILE" --instance-url "${SALESFORCE_LOGIN_URL:-https://login.salesforce.com}" \
  --alias pcsync-org > /dev/null
exec sf pcsync serve --target-org pcsync-org --host 0.0.0.0 --port "$PORT" --json-logs "$@"
EOF

EXPOSE 8080
# 503 while the Partner Center sign-in is refused; the first pass may take a while, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/pcsync-serve"]
# Extra `sf pcsync serve` flags, e.g. --config /config/pcsync.json or --no-reconcile.
CMD []
