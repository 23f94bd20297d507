#!/usr/bin/env bash
# The whole test suite: type check, unit and integration tests (real etcd), then conformance suites
# (real kubectl binaries and client libraries against a server started as a user starts it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json
mapfile -t unit < <(find test -name '*.test.ts' | sort)
mapfile -t conf < <(find conformance -name '*.test.ts' 2>/dev/null | sort)
# A second reporter records every result, so the conformance report is rebuilt from this same run.
mkdir -p conformance/.results
results=conformance/.results/test-results.jsonl
status=0
node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./scripts/conformance/results-reporter.mjs --test-reporter-destination="$results" \
  "${unit[@]}" "${conf[@]}" || status=$?
node --import tsx scripts/conformance-report.ts --results "$results"
exit "$status"
