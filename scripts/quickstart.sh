#!/usr/bin/env bash
# The quick start: install, build, start the example service, and run the performance gate on it
# with the built-in load generator (no account, no network beyond 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx turbo run build --filter=@slogate/core --output-logs=errors-only >&2

url_file=$(mktemp)
node examples/service/server.mjs 0 >"$url_file" &
service=$!
trap 'kill "$service" 2>/dev/null || true; rm -f "$url_file"' EXIT
for _ in $(seq 1 50); do
  [ -s "$url_file" ] && break
  sleep 0.1
done
url=$(head -n 1 "$url_file")
[ -n "$url" ] || { echo "slogate: the example service did not start" >&2; exit 1; }
echo "slogate: example service at $url" >&2
node packages/core/dist/cli.js run --config examples/performance/slogate.yaml --target "$url/api/items" "$@"
