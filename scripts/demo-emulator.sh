#!/usr/bin/env bash
# Watch a live scan without AWS: starts moto (the AWS emulator) and the project's scenario
# emulator on loopback, seeds the two-Region warm-standby deployment of
# tests/emulator/scenarios/two-region.json + tests/emulator/seed_moto.py (planted gaps listed in
# tests/emulator/README.md), and runs `msgready scan` against it.
#
#   scripts/demo-emulator.sh [extra scan flags, e.g. --format text,html --out demo-report]
#
# Needs: cargo, python3 (the script installs moto into a venv via scripts/setup-test-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-env.sh
py="${MSGREADY_VENV:-/var/tmp/msgready-venv}/bin/python"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$py" scripts/moto_server.py -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "demo: moto on 127.0.0.1:$port; seeding S3, IAM, Firehose, Kinesis, Lambda, CloudWatch, CloudTrail" >&2
"$py" tests/emulator/seed_moto.py "http://127.0.0.1:$port" >/dev/null

"$py" tests/emulator/emulator.py --scenario tests/emulator/scenarios/two-region.json --port 0 \
  --upstream "http://127.0.0.1:$port" --latency-ms "${DEMO_LATENCY_MS:-20}" --enforce-quotas \
  >"$work/emulator.out" 2>"$work/emulator.log" &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/emulator.out" 2>/dev/null && break; sleep 0.1; done
endpoint="$(sed -n 's/^listening //p' "$work/emulator.out")"
echo "demo: scenario emulator on $endpoint (SES v2, SMS/voice v2, Pinpoint; the rest from moto)" >&2

cargo build --quiet
set +e
env -u AWS_PROFILE AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo \
  AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  AWS_EC2_METADATA_DISABLED=true \
  "${CARGO_TARGET_DIR:-target}/debug/msgready" scan --config tests/emulator/two-region.toml \
  --format "${DEMO_FORMAT:-text,html,json}" --out "${DEMO_OUT:-demo-report}" "$@"
code=$?
set -e
echo "demo: msgready exited $code (1 = the gate failed on the planted gaps); reports in ${DEMO_OUT:-demo-report}/" >&2
exit 0
