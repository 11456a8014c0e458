// `vharness compare RUN_A RUN_B`: checks that the runs are comparable, then the same cells of
// both side by side with B vs A as a ratio with its 95% interval and a verdict.
import { resolve } from 'node:path';
import { precisionFlag } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { checkComparability, IncomparableRunsError } from '../report/comparability.js';
import { compareRuns, type CompareOptions } from '../report/compare-cells.js';
import { writeCompareHtml } from '../report/compare-html.js';
import { renderCompareTable } from '../report/compare-table.js';
import { loadRun } from '../results/run-reader.js';
import { damagedRunDirExit, resultsDirFlag, runDirOf } from './run-dir-arg.js';
import { precisionOption } from './shared-flags.js';

function marginFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const pct = Number(value);
  if (!Number.isFinite(pct) || pct <= 0 || pct >= 50) throw new UsageError(`Expected --margin to be a percentage between 0 and 50, got '${value}'`);
  return pct / 100;
}

export const command = defineCommand({
  args: 'RUN_A RUN_B',
  description: `Checks that two runs (directories or run ids) are comparable, matches their cells by
workload, precision, target, configuration and instances, and prints B vs A for each: the
ratio of the workload's metric with its 95% confidence interval (Fieller, over the trials of
each side) and a verdict (faster, slower, no significant difference, inconclusive). Cells
found in one run only are listed.`,
  flags: {
    'a-precision': { ...precisionOption, help: "compare A's P cells with B's --b-precision cells (e.g. fp32 on one lab\nvs int8 on another, as the study did); give both" },
    'b-precision': { ...precisionOption, help: 'the precision of B to compare with --a-precision' },
    margin: { type: 'string', arg: 'PCT', help: 'equivalence margin in percent for "no significant difference" (default 1)' },
    force: { type: 'boolean', help: 'compare even when the runs are not comparable (other model, batch or VM sizes)' },
    html: { type: 'string', arg: 'FILE', file: true, help: "also write the side-by-side report view (both runs' figures with ratios)" },
    json: { type: 'boolean', help: 'print the comparison as JSON instead of the table' },
    'results-dir': resultsDirFlag,
  },
  examples: [
    { command: 'vharness compare results/lab-a-run results/lab-b-run', says: 'the same cells of two labs with B/A ratios' },
    { command: 'vharness compare RUN_A RUN_B --a-precision fp32 --b-precision int8', says: 'fp32 on one lab against int8 on the other, as the study did' },
    { command: 'vharness compare RUN_A RUN_B --html compare.html', says: 'also the side-by-side HTML view' },
    { command: 'vharness compare RUN_A RUN_B --margin 2', says: 'differences within +-2% count as no significant difference' },
  ],
  exits: [ExitCode.ok, [ExitCode.usage, 'bad flag, a RUN is not a run directory or id, or the runs are not comparable (without --force)'], damagedRunDirExit, ExitCode.failure],
  async run({ values, positionals }) {
    if (positionals.length !== 2) throw new UsageError(`Expected two run directories (or run ids) RUN_A RUN_B, got ${positionals.length}`);
    const aPrecision = precisionFlag('a-precision', values['a-precision']);
    const bPrecision = precisionFlag('b-precision', values['b-precision']);
    if ((aPrecision === undefined) !== (bPrecision === undefined)) throw new UsageError('Give both --a-precision and --b-precision to compare across precisions');
    const options: CompareOptions = aPrecision && bPrecision ? { aPrecision, bPrecision } : {};
    const margin = marginFlag(values.margin);
    if (margin !== undefined) options.margin = margin;
    const dirs = await Promise.all(positionals.map((p) => runDirOf(p, values['results-dir'])));
    const [a, b] = await Promise.all(dirs.map((d) => loadRun(d)));
    if (a === undefined || b === undefined) throw new UsageError('Expected two runs');
    const comparison = compareRuns(a, b, options);
    const { refusals, caveats } = checkComparability(a, b, comparison);
    if (refusals.length > 0 && !values.force) throw new IncomparableRunsError(refusals);
    const notes = [...refusals.map((r) => `NOT COMPARABLE (--force): ${r}`), ...caveats];
    if (values.html !== undefined) {
      const file = resolve(values.html);
      await writeCompareHtml(file, a.summary, b.summary, comparison, options, notes);
      process.stderr.write(`wrote ${file}\n`);
    }
    if (values.json) {
      const json = {
        a: comparison.a,
        b: comparison.b,
        crossPrecision: comparison.crossPrecision,
        refusals,
        caveats,
        comparisons: comparison.pairs.map((p) => ({ ...p.comparison, match: p.match, a_state: p.a.status === 'failed' ? 'failed' : p.a.validity, b_state: p.b.status === 'failed' ? 'failed' : p.b.validity })),
        onlyA: comparison.onlyA.map((c) => c.key),
        onlyB: comparison.onlyB.map((c) => c.key),
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      process.stdout.write(renderCompareTable(comparison, notes));
    }
    return ExitCode.ok;
  },
});
