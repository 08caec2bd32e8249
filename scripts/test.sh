#!/usr/bin/env bash
# The whole test suite, with its own set-up: dependencies, build, type check, lint, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-tools.sh
npx turbo run build typecheck --output-logs=errors-only
npx biome check .
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node scripts/test-summary.mjs test-results/vitest.json
exit "$status"
