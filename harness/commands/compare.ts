// `vharness compare RUN_A RUN_B`: the same cells of two runs side by side with B/A ratios.
import { resolve } from 'node:path';
import { precisionFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { compareRuns, type CompareOptions } from '../report/compare-cells.js';
import { writeCompareHtml } from '../report/compare-html.js';
import { renderCompareTable } from '../report/compare-table.js';
import { loadRun } from '../report/run-files.js';
import { resultsDirFlag, runDirOf } from './run-dir-arg.js';
import { precisionOption } from './shared-flags.js';

export const command = defineCommand({
  args: 'RUN_A RUN_B',
  description: `Matches the cells of two runs (directories or run ids) by workload, precision, target,
configuration and instances, and prints them side by side with B/A ratios (cells found in
one run only are listed).`,
  flags: {
    'a-precision': { ...precisionOption, help: "compare A's P cells with B's --b-precision cells (e.g. fp32 on one lab\nvs int8 on another, as the study did); give both" },
    'b-precision': { ...precisionOption, help: 'the precision of B to compare with --a-precision' },
    html: { type: 'string', arg: 'FILE', file: true, help: "also write the side-by-side report view (both runs' figures with ratios)" },
    json: { type: 'boolean', help: 'print the comparison as JSON instead of the table' },
    'results-dir': resultsDirFlag,
  },
  examples: [
    { command: 'vharness compare results/lab-a-run results/lab-b-run', says: 'the same cells of two labs with B/A ratios' },
    { command: 'vharness compare RUN_A RUN_B --a-precision fp32 --b-precision int8', says: 'fp32 on one lab against int8 on the other, as the study did' },
    { command: 'vharness compare RUN_A RUN_B --html compare.html', says: 'also the side-by-side HTML view' },
  ],
  exits: [ExitCode.ok, [ExitCode.usage, 'bad flag, or a RUN is not a run directory or id'], ExitCode.failure],
  async run({ values, positionals }) {
    if (positionals.length !== 2) throw new UsageError(`Expected two run directories (or run ids) RUN_A RUN_B, got ${positionals.length}`);
    const aPrecision = precisionFlag('a-precision', values['a-precision']);
    const bPrecision = precisionFlag('b-precision', values['b-precision']);
    if ((aPrecision === undefined) !== (bPrecision === undefined)) throw new UsageError('Give both --a-precision and --b-precision to compare across precisions');
    const options: CompareOptions = aPrecision && bPrecision ? { aPrecision, bPrecision } : {};
    const dirs = await Promise.all(positionals.map((p) => runDirOf(p, values['results-dir'])));
    const [a, b] = await Promise.all(dirs.map((d) => loadRun(d)));
    if (a === undefined || b === undefined) throw new UsageError('Expected two runs');
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
});
