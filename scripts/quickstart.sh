#!/usr/bin/env bash
# The quick start: install, build, and run the gate on the shipped example (no account, no network).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx turbo run build --filter=@slogate/core --output-logs=errors-only >&2
exec node packages/core/dist/cli.js evaluate --config examples/slogate.yaml "$@"
