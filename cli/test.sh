#!/usr/bin/env bash
# The test command (README command 2, called by .ci/run): set-up, a strict typecheck, the vitest suite, then every
# notebook executed headless at smoke scale, then every page of reports/ checked in headless Chromium.
# Ends with one plain "N passed, N failed" line that counts vitest tests, notebooks and report pages together.
set -uo pipefail
cd "$(dirname "$0")/.."
bash cli/setup.sh --test || exit 1
mkdir -p reports
npx tsc --noEmit -p . || { echo "typecheck failed (tsc --noEmit, strict)"; echo "0 passed, 1 failed"; exit 1; }
# Build the enumerated-space cache once (≈10 s on a fresh clone) instead of in several test files at once.
npx dnas space stats > /dev/null || { echo "building the NAS-Bench-101 space failed"; echo "0 passed, 1 failed"; exit 1; }
# 20 s a test (vitest: 5 s): a 2-core runner shared with other jobs must not turn slow into failed.
npx vitest run --testTimeout=20000 --reporter=default --reporter=json --outputFile.json=reports/vitest.json
vitest_status=$?
npx tsx cli/run-notebooks.ts --scale smoke > reports/notebooks-summary.json
notebooks_status=$?
cat reports/notebooks-summary.json
# index.html and every report: figures drawn with JS, PNG fallbacks without, no network (screenshots in reports/screenshots/).
npx tsx cli/check-reports.ts reports > reports/check-reports.json
check_status=$?
node -e '
  const tests = require("./reports/vitest.json");
  let notebooks = { notebooks: [], failed: { name: "(runner did not finish)" } };
  try { notebooks = require("./reports/notebooks-summary.json"); } catch {}
  const ran = notebooks.notebooks.length, failed = notebooks.failed ? 1 : 0;
  // Each page checked is one item; a checker that printed no summary counts as one failure.
  let pages = { passed: 0, failed: 1, unfinished: true };
  try { pages = require("./reports/check-reports.json"); } catch {}
  // A test file that fails before any test runs (an import or a missing file) counts as one failure.
  const brokenFiles = tests.testResults.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"));
  const broken = brokenFiles.length;
  // The failures again, last, where a CI log that keeps only its tail still shows them.
  const short = (text) => String(text ?? "").split("\n").slice(0, 3).join(" | ").slice(0, 600);
  for (const f of tests.testResults) {
    const file = require("node:path").relative(process.cwd(), f.name);
    for (const a of f.assertionResults.filter((x) => x.status === "failed")) console.log(`FAILED ${file} > ${a.fullName}: ${short(a.failureMessages[0])}`);
  }
  for (const f of brokenFiles) console.log(`FAILED TO LOAD ${require("node:path").relative(process.cwd(), f.name)}: ${short(f.message)}`);
  if (notebooks.failed) console.log(`FAILED notebook ${notebooks.failed.name}: ${short(notebooks.failed.message)}`);
  for (const r of pages.reports ?? []) if (r.failures.length > 0) console.log(`FAILED report page ${r.name}: ${short(r.failures.join("; "))}`);
  console.log(`vitest: ${tests.numPassedTests} passed, ${tests.numFailedTests} failed, ${broken} files failed to load; notebooks at smoke scale: ${ran} executed, ${failed} failed; report pages: ${pages.passed} passed, ${pages.failed} failed${pages.unfinished ? " (checker did not finish)" : ""}`);
  console.log(`${tests.numPassedTests + ran + pages.passed} passed, ${tests.numFailedTests + broken + failed + pages.failed} failed`);
'
[ "$vitest_status" = 0 ] && [ "$notebooks_status" = 0 ] && [ "$check_status" = 0 ]
