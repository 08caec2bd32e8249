#!/usr/bin/env bash
# Installs the workspace from the lock when node_modules is missing or older than the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "slogate: installing dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund >&2
fi
