// The examples of `vharness --help`: the first things a new user runs.
import type { Example } from '../command.js';

export const topExamples: readonly Example[] = [
  { command: 'vharness run configs/demo.yaml', says: 'the demo matrix on this machine; prints the tables and results/<run-id>/' },
  { command: 'vharness plan configs/table3.yaml -i inventories/lab.yaml', says: 'what a run on a lab would do, its preflight checks and duration; changes nothing' },
  { command: 'vharness report results/<run-id> --open', says: "a run's report.html with the charts" },
  { command: 'vharness infer --model tiny --steps 50', says: 'one inference instance here (the tiny test net)' },
];
