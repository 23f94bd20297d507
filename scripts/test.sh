#!/usr/bin/env bash
# The whole test suite: type check, unit and integration tests (real etcd), then conformance suites
# (real kubectl binaries and client libraries against a server started as a user starts it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json
mapfile -t unit < <(find test -name '*.test.ts' | sort)
mapfile -t conf < <(find conformance -name '*.test.ts' 2>/dev/null | sort)
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${unit[@]}" "${conf[@]}"
