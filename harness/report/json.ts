// The run report as JSON: the figures (points with intervals, tables, comparisons) and facts,
// for tools that want the derived numbers rather than raw summary.json.
import { buildFigures, type Figure } from './figures.js';
import { runFacts, type RunFacts } from './run-facts.js';
import type { LoadedRun } from '../results/run-reader.js';
import type { Comparison } from '../results/types.js';

export interface ReportJson {
  run_id: string;
  dir: string;
  facts: RunFacts;
  figures: Figure[];
  /** Every ratio of the run with its interval and verdict (summary.json's records). */
  comparisons: Comparison[];
}

/** The JSON report of a loaded run. */
export function reportJson(run: LoadedRun): ReportJson {
  return { run_id: run.summary.run_id, dir: run.dir, facts: runFacts(run.summary, run.manifest), figures: buildFigures(run.summary), comparisons: run.summary.comparisons };
}
