// `vharness run CONFIG`: runs the matrix of a config on an inventory's targets and prints the
// paper-shaped tables and the results path. Exit 0 when every cell completed, 8 otherwise,
// 130/143 when interrupted (what was stored is kept; --resume continues it).
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { loadConfig, loadInventory } from '../config/load.js';
import { ExitCode, UsageError } from '../errors.js';
import { trapInterrupts } from '../interrupts.js';
import { createLogger } from '../log.js';
import { PreflightError, runPreflight } from '../plan/run-preflight.js';
import { createProviders } from '../providers/index.js';
import { ensureResultsDir } from '../results/results-dir.js';
import { untilAborted } from '../run/abortable.js';
import { expandCells } from '../plan/expand.js';
import { applyTeardownFlag } from '../providers/vsphere.js';
import { selectionFromFlags } from '../plan/selection-flags.js';
import { renderTables } from '../report/tables.js';
import { runMatrix } from '../run/run-matrix.js';

const usage = `usage: vharness run CONFIG [-i INVENTORY] [--only WORKLOAD] [--precision P] [--resume RUN] [--results-dir DIR] [--teardown POLICY] [--force] [--no-report] [--json]

Runs every cell of CONFIG (workload x configuration x precision x target) and stores
results/<run-id>/ (manifest.json, cells/*.json with raw samples, summary.json, summary.csv,
report.html), then prints the tables and the results path.
  -i, --inventory FILE   where to run (default: this machine, inventories/local.yaml)
  --only WORKLOAD        latency, throughput, scaling, multistream (comma-separated)
  --precision P          fp32 or int8 (comma-separated)
  --resume RUN           rerun only the missing or failed cells of RUN (an id or a path)
  --results-dir DIR      where run directories go (default: the inventory's resultsDir, ./results)
  --teardown POLICY      vSphere VMs created by the run: never, on-success, always (default: the inventory's)
  --force                run even when preflight (what \`vharness plan\` checks: vCenter login and
                         certificate, template, capacity, model files) found errors
  --no-report            do not write report.html
  --json                 print summary.json on stdout instead of the tables
Before creating anything the run checks what \`vharness plan\` checks and stops on errors.
The first Ctrl-C (or SIGTERM) stops every phase within seconds and keeps what is stored;
a second one stops at once (created VMs stay tracked: \`vharness vms list\`).
Exit codes: 0 all cells completed, 8 some cells failed, 2 bad flag (or --results-dir not a
writable directory), 3 bad config or inventory, 4 bad model file, 6 SSH, 7 vSphere (preflight
errors, or no vSphere cell could run), 9 run directory damaged or in use, 130/143 interrupted.
`;

async function writeReport(dir: string): Promise<string | undefined> {
  const { writeHtmlReport } = await import('../report/html.js');
  return writeHtmlReport(dir);
}

export const command: Command = {
  summary: 'run the benchmark matrix of a config and print the tables',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        inventory: { type: 'string', short: 'i' },
        only: { type: 'string' },
        precision: { type: 'string' },
        resume: { type: 'string' },
        'results-dir': { type: 'string' },
        teardown: { type: 'string' },
        force: { type: 'boolean' },
        'no-report': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length !== 1) throw new UsageError(`Expected one CONFIG file, got ${positionals.length} arguments`, { hint: usage.split('\n')[0] });
    const selection = selectionFromFlags(values.only, values.precision);
    const config = await loadConfig(positionals[0] as string);
    const inventory = applyTeardownFlag(await loadInventory(values.inventory), values.teardown);
    const cells = expandCells(config, selection);
    if (cells.length === 0) throw new UsageError('Nothing to run: the selection (--only / --precision) matches no cell of the config');

    const log = createLogger();
    const interrupts = trapInterrupts(log, 'stopping every phase, keeping what is stored');
    const signal = interrupts.signal;
    try {
      // What `plan` checks, before anything is created (no results directory, no VM).
      const preflightCtx = { runId: 'preflight', log, signal };
      const findings = await untilAborted(runPreflight(config, inventory, cells, createProviders(inventory, preflightCtx), preflightCtx), signal, 'preflight');
      const errors = findings.filter((f) => f.level === 'error');
      // Unreadable secrets cannot be forced past: every later step would fail on them.
      if (errors.length > 0 && (!values.force || errors.some((f) => f.target === 'inventory'))) throw new PreflightError(findings);
      for (const f of errors) log.warn(`--force: running despite ${f.target}: ${f.message}`);
      const resultsDir = await ensureResultsDir(values['results-dir'] ?? inventory.resultsDir, values['results-dir'] !== undefined ? { flag: 'results-dir' } : { inventory: inventory.file });
      const options: Parameters<typeof runMatrix>[0] = { config, inventory, cells, log, signal, command: ['vharness', 'run', ...argv], resultsDir };
      if (values.resume !== undefined) options.resume = values.resume;
      const result = await runMatrix(options);
      if (!values['no-report'] && result.ran > 0) {
        await writeReport(result.dir).then(
          (file) => file && log.info(`report: ${file}`),
          (error: unknown) => log.warn(`report.html not written: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
      if (values.json) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
      else process.stdout.write(`${renderTables(result.summary).join('\n\n')}\n\nresults: ${result.dir}\n`);
      const signalCode = interrupts.code();
      if (signalCode !== undefined) return signalCode;
      const failed = cells.filter((c) => result.summary.cells.find((s) => s.key === c.key)?.status !== 'completed').length;
      if (failed > 0) log.warn(`${failed} of ${cells.length} cells did not complete; rerun them with --resume ${result.dir}`);
      // A backend that went away (vCenter unreachable) and left none of its cells done: its exit code.
      for (const { target, error } of result.unavailable) {
        const own = cells.filter((c) => c.target === target);
        if (own.length > 0 && own.every((c) => result.summary.cells.find((s) => s.key === c.key)?.status !== 'completed')) {
          log.error(`no ${target} cell could run: ${error.message}`);
          return error.exitCode;
        }
      }
      return failed > 0 ? ExitCode.cellsFailed : ExitCode.ok;
    } catch (error) {
      // An interrupt wins over what it caused (an aborted preflight or model build).
      const signalCode = interrupts.code();
      if (signalCode !== undefined) {
        log.warn(`stopped: ${error instanceof Error ? error.message : String(error)}`);
        return signalCode;
      }
      throw error;
    } finally {
      interrupts.dispose();
    }
  },
};
