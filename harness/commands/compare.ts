// `vharness compare RUN_A RUN_B`: the same cells of two runs side by side with B/A ratios.
import { resolve } from 'node:path';
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { ExitCode, UsageError } from '../errors.js';
import { compareRuns, type CompareOptions } from '../report/compare-cells.js';
import { writeCompareHtml } from '../report/compare-html.js';
import { renderCompareTable } from '../report/compare-table.js';
import { loadRun } from '../report/run-files.js';
import type { Precision } from '../../agent/protocol.js';

const usage = `usage: vharness compare RUN_A RUN_B [--a-precision P --b-precision P] [--html FILE] [--json]

Matches the cells of two run directories by workload, precision, target, configuration and
instances, and prints them side by side with B/A ratios (cells found in one run only are listed).
  --a-precision P, --b-precision P   compare A's P cells with B's (e.g. fp32 on one lab vs int8
                                     on another, as the study did); give both
  --html FILE   also write the side-by-side report view (both runs' figures with ratios)
  --json        print the comparison as JSON instead of the table
`;

function precisionFlag(name: string, value: string | undefined): Precision | undefined {
  if (value === undefined) return undefined;
  if (value !== 'fp32' && value !== 'int8') throw new UsageError(`Expected --${name} to be fp32 or int8, got '${value}'`);
  return value;
}

export const command: Command = {
  summary: 'compare two runs cell by cell with B/A ratios',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { 'a-precision': { type: 'string' }, 'b-precision': { type: 'string' }, html: { type: 'string' }, json: { type: 'boolean' } }, usage);
    if (positionals.length !== 2) throw new UsageError(`Expected two run directories RUN_A RUN_B, got ${positionals.length}`, { hint: usage.split('\n')[0] });
    const aPrecision = precisionFlag('a-precision', values['a-precision']);
    const bPrecision = precisionFlag('b-precision', values['b-precision']);
    if ((aPrecision === undefined) !== (bPrecision === undefined)) throw new UsageError('Give both --a-precision and --b-precision to compare across precisions');
    const options: CompareOptions = aPrecision && bPrecision ? { aPrecision, bPrecision } : {};
    const [a, b] = await Promise.all([loadRun(positionals[0] as string), loadRun(positionals[1] as string)]);
    const comparison = compareRuns(a, b, options);
    if (values.html !== undefined) {
      const file = resolve(values.html);
      await writeCompareHtml(file, a.summary, b.summary, comparison, options);
      process.stderr.write(`wrote ${file}\n`);
    }
    if (values.json) {
      const json = {
        ...comparison,
        pairs: comparison.pairs.map(({ a: cellA, b: cellB, ...rest }) => ({ ...rest, a_key: cellA.key, b_key: cellB.key, a_status: cellA.status, b_status: cellB.status, a_valid: cellA.valid, b_valid: cellB.valid })),
        onlyA: comparison.onlyA.map((c) => c.key),
        onlyB: comparison.onlyB.map((c) => c.key),
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      process.stdout.write(renderCompareTable(comparison));
    }
    return ExitCode.ok;
  },
};
