#!/usr/bin/env bash
# Regenerates every file that is generated from the code and committed: the two JSON Schemas
# and the rule reference. tests/schema.rs fails when one of them is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/msgready"
"$bin" schema facts > docs/facts.schema.json
"$bin" schema report > docs/report.schema.json
"$bin" rules list --format markdown > docs/rules.md
echo "regenerated docs/facts.schema.json, docs/report.schema.json, docs/rules.md"
