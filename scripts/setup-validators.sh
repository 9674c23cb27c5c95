#!/usr/bin/env bash
# Installs the real consumers' validators that tests/consumers/ runs on msgready's reports:
# the SARIF Multitool, axe-core and puppeteer-core (npm, in a prefix outside the repo),
# botocore, xmlschema and junitparser (PyPI, in the test venv), cmark-gfm (Debian).
# Idempotent; run after scripts/setup-test-env.sh, which creates the venv.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${MSGREADY_VENV:-/var/tmp/msgready-venv}"
node_prefix="${MSGREADY_NODE_PREFIX:-/var/tmp/msgready-node}"

# Pinned. boto3 is pinned beside botocore only because moto brought it into the same venv and
# each boto3 release accepts a narrow botocore range.
botocore_version="1.44.8"
boto3_version="1.44.8"
xmlschema_version="4.3.2"
junitparser_version="5.0.3"

# Debian: GitHub's Markdown renderer, and node/npm for the npm validators.
missing=()
command -v cmark-gfm >/dev/null 2>&1 || missing+=(cmark-gfm)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-validators: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PyPI, into the venv scripts/setup-test-env.sh made.
if [ ! -x "$venv/bin/python" ]; then
  echo "setup-validators: no venv at $venv; run scripts/setup-test-env.sh first" >&2
  exit 1
fi
if ! "$venv/bin/python" - "$botocore_version" "$xmlschema_version" "$junitparser_version" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
want = dict(zip(["botocore", "xmlschema", "junitparser"], sys.argv[1:]))
sys.exit(any(version(name) != v for name, v in want.items()))
EOF
then
  "$venv/bin/pip" install -q --disable-pip-version-check "botocore==$botocore_version" \
    "boto3==$boto3_version" "xmlschema==$xmlschema_version" "junitparser==$junitparser_version"
  echo "setup-validators: botocore $botocore_version, xmlschema $xmlschema_version," \
    "junitparser $junitparser_version in $venv" >&2
fi

# npm, from the lockfile in tests/consumers/ (every transitive version pinned). Scripts are
# not run: puppeteer-core downloads nothing anyway (it drives Debian's /usr/bin/chromium), and
# the Multitool's only script sets an executable bit its tarball already carries.
lock="tests/consumers/package-lock.json"
stamp="$node_prefix/.msgready-lock.sha256"
want_stamp="$(sha256sum "$lock" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ] \
  || [ ! -x "$node_prefix/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  mkdir -p "$node_prefix"
  cp tests/consumers/package.json "$lock" "$node_prefix/"
  (cd "$node_prefix" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund \
    --loglevel=error >/dev/null)
  # The Multitool's executable bit, in case a tarball ever ships without it (its postinstall
  # would have set it).
  chmod u+x "$node_prefix/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  echo "$want_stamp" >"$stamp"
  echo "setup-validators: npm validators in $node_prefix" >&2
fi
