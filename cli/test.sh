#!/usr/bin/env bash
# The test command (README command 2, called by .ci/run): set-up, the vitest suite, then every
# notebook executed headless at smoke scale. Ends with one plain "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash cli/setup.sh || exit 1
mkdir -p reports
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
vitest_status=$?
npx tsx cli/run-notebooks.ts --scale smoke
notebooks_status=$?
node -e '
  const r = require("./reports/vitest.json");
  const nb = process.argv[1] === "0";
  console.log(`notebooks at smoke scale: ${nb ? "all executed" : "FAILED"}`);
  console.log(`${r.numPassedTests + (nb ? 1 : 0)} passed, ${r.numFailedTests + (nb ? 0 : 1)} failed`);
' "$notebooks_status"
[ "$vitest_status" = 0 ] && [ "$notebooks_status" = 0 ]
