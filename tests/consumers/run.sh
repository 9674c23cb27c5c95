#!/usr/bin/env bash
# Runs every consumer checker on one report directory (the --out of
# `msgready evaluate ... --format json,html,sarif,junit,markdown,asff`) and summarises.
# Exit 0 when every consumer accepts the reports, 1 when one would reject, drop or misread
# one, 2 when a checker could not run (its tool is missing: scripts/setup-validators.sh).
# MSGREADY_CONSUMERS=sarif,junit,... runs only those.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: tests/consumers/run.sh REPORT_DIR}"
py="${MSGREADY_VENV:-/var/tmp/msgready-venv}/bin/python"
only="${MSGREADY_CONSUMERS:-sarif,junit,asff,html,markdown}"
worst=0
summary=()
for name in sarif junit asff html markdown; do
  case ",$only," in *",$name,"*) ;; *) continue ;; esac
  case "$name" in
    html) cmd=(node "$here/axe.js" "$dir") ;;
    *) cmd=("$py" "$here/$name.py" "$dir") ;;
  esac
  if [ "$name" != html ] && [ ! -x "$py" ]; then
    echo "$name: CANNOT RUN: no Python venv at $py; run scripts/setup-test-env.sh and scripts/setup-validators.sh" >&2
    code=2
  elif [ "$name" = html ] && ! command -v node >/dev/null 2>&1; then
    echo "$name: CANNOT RUN: node is not installed; run scripts/setup-validators.sh" >&2
    code=2
  else
    "${cmd[@]}"
    code=$?
  fi
  case "$code" in
    0) summary+=("$name: ok") ;;
    1) summary+=("$name: FAIL") ;;
    *) summary+=("$name: CANNOT RUN (exit $code)"); code=2 ;;
  esac
  if [ "$code" -gt "$worst" ]; then worst=$code; fi
done
(IFS=';'; echo "consumers ($dir):${summary[*]/#/ }")
exit "$worst"
