#!/usr/bin/env node
// The vharness CLI: the compiled TypeScript lives in dist/ (`npm run build`).
import { main } from '../dist/harness/cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
