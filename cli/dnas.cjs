#!/usr/bin/env node
// Entry point of the `dnas` command: registers tsx so the TypeScript CLI runs without a build step.
require('tsx/cjs/api').register();
require('./dnas.ts')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error) => {
    console.error(`dnas: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
