#!/usr/bin/env bash
# The whole test suite, with its own set-up: dependencies, build, type check, lint, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-tools.sh
npx turbo run build typecheck --output-logs=errors-only
# Bundles that platforms run from git, and generated code, must be exactly what the sources build.
for bundle in packages/github-action/dist packages/jenkins-shared-lib-bridge/resources packages/core/src/config/schema-validators.generated.js; do
  if ! git diff --quiet -- "$bundle" || [ -n "$(git ls-files --others --exclude-standard -- "$bundle")" ]; then
    echo "$bundle differs from a fresh build: commit the rebuilt bundle" >&2
    git --no-pager diff --stat -- "$bundle" >&2
    exit 1
  fi
done
npx biome check .
# Every platform's manifest declares the inputs the options table gives it.
npm run --silent manifests:check
# Every artifact and quick start names the one version (packages/core's).
npm run --silent version:check
# The npm packages are publishable as they stand (exports, types, files).
npx publint --strict packages/core
npx publint --strict packages/gitlab-component
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node scripts/test-summary.mjs test-results/vitest.json
exit "$status"
