#!/usr/bin/env bash
# Installs what the integration tests need beside Rust: moto (the AWS emulator) in a Python
# virtual environment. Idempotent; the tests find it at $MSGREADY_VENV (default below).
set -euo pipefail
venv="${MSGREADY_VENV:-/var/tmp/msgready-venv}"
# Pinned: scripts/moto_server.py patches two wire-format bugs of this exact version.
moto_version="5.2.5"
# Pinned: tests/remediate.rs lints the generated CloudFormation with it (its W3696 on
# AWS::Pinpoint::* is documented in the checklist it generates).
cfn_lint_version="1.58.0"
if "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$moto_version')" 2>/dev/null \
  && [ "$("$venv/bin/cfn-lint" --version 2>/dev/null)" = "cfn-lint $cfn_lint_version" ]; then
  exit 0
fi
if ! python3 -m venv "$venv" 2>/dev/null; then
  echo "setup-test-env: installing python3-venv" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$moto_version" "cfn-lint==$cfn_lint_version"
echo "setup-test-env: moto $moto_version and cfn-lint $cfn_lint_version in $venv" >&2
