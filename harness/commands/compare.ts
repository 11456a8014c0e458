// `vharness compare RUN_A RUN_B`: checks that the runs are comparable, then the same cells of
// both side by side with B vs A as a ratio with its 95% interval and a verdict.
import { resolve } from 'node:path';
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { isPrecision, PRECISIONS, type Precision } from '../core/vocabulary.js';
import { ExitCode, UsageError } from '../errors.js';
import { checkComparability, IncomparableRunsError } from '../report/comparability.js';
import { compareRuns, type CompareOptions } from '../report/compare-cells.js';
import { writeCompareHtml } from '../report/compare-html.js';
import { renderCompareTable } from '../report/compare-table.js';
import { loadRun } from '../results/run-reader.js';

const usage = `usage: vharness compare RUN_A RUN_B [--a-precision P --b-precision P] [--margin PCT] [--force] [--html FILE] [--json]

Checks that two run directories are comparable, matches their cells by workload, precision,
target, configuration and instances, and prints B vs A for each: the ratio of the workload's
metric with its 95% confidence interval (Fieller, over the trials of each side) and a verdict
(faster, slower, no significant difference, inconclusive). Cells found in one run only are listed.
  --a-precision P, --b-precision P   compare A's P cells with B's (e.g. fp32 on one lab vs int8
                                     on another, as the study did); give both
  --margin PCT  equivalence margin in percent for "no significant difference" (default 1)
  --force       compare even when the runs are not comparable (other model, batch or VM sizes)
  --html FILE   also write the side-by-side report view (both runs' figures with ratios)
  --json        print the comparison as JSON instead of the table
Exit codes: 0 compared, 2 bad usage or runs not comparable (without --force).
`;

function precisionFlag(name: string, value: string | undefined): Precision | undefined {
  if (value === undefined) return undefined;
  if (!isPrecision(value)) throw new UsageError(`Expected --${name} to be one of ${PRECISIONS.join(', ')}, got '${value}'`);
  return value;
}

function marginFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const pct = Number(value);
  if (!Number.isFinite(pct) || pct <= 0 || pct >= 50) throw new UsageError(`Expected --margin to be a percentage between 0 and 50, got '${value}'`);
  return pct / 100;
}

export const command: Command = {
  summary: 'compare two runs cell by cell: B vs A with 95% intervals and verdicts',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { 'a-precision': { type: 'string' }, 'b-precision': { type: 'string' }, margin: { type: 'string' }, force: { type: 'boolean' }, html: { type: 'string' }, json: { type: 'boolean' } },
      usage,
    );
    if (positionals.length !== 2) throw new UsageError(`Expected two run directories RUN_A RUN_B, got ${positionals.length}`, { hint: usage.split('\n')[0] });
    const aPrecision = precisionFlag('a-precision', values['a-precision']);
    const bPrecision = precisionFlag('b-precision', values['b-precision']);
    if ((aPrecision === undefined) !== (bPrecision === undefined)) throw new UsageError('Give both --a-precision and --b-precision to compare across precisions');
    const options: CompareOptions = aPrecision && bPrecision ? { aPrecision, bPrecision } : {};
    const margin = marginFlag(values.margin);
    if (margin !== undefined) options.margin = margin;
    const [a, b] = await Promise.all([loadRun(positionals[0] as string), loadRun(positionals[1] as string)]);
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
};
