// `vharness run CONFIG`: runs the matrix of a config on an inventory's targets and prints the
// paper-shaped tables and the results path. Exit 0 when every cell completed, 8 otherwise,
// 130/143 when interrupted (what was stored is kept; --resume continues it).
import { basename } from 'node:path';
import { defineCommand } from '../command.js';
import { loadConfig, loadInventory } from '../config/load.js';
import type { Config } from '../config/types.js';
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
import { inventoryOption, onlyOption, precisionsOption } from './shared-flags.js';

/** The config with every workload's measure.repeats set by --repeats. */
function withRepeats(config: Config, value: string | undefined): Config {
  if (value === undefined) return config;
  const repeats = Number(value);
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000) throw new UsageError(`Expected --repeats to be an integer from 1 to 1000, got '${value}'`);
  return { ...config, workloads: config.workloads.map((w) => ({ ...w, measure: { ...w.measure, repeats } })) };
}

async function writeReport(dir: string): Promise<string | undefined> {
  const { writeHtmlReport } = await import('../report/html.js');
  return writeHtmlReport(dir);
}

export const command = defineCommand({
  args: 'CONFIG',
  description: `Runs every cell of CONFIG (workload x configuration x precision x target) and stores
results/<run-id>/ (manifest.json, cells/*.json with raw samples, summary.json, summary.csv,
report.html), then prints the tables and the results path. Progress goes to stderr.`,
  flags: {
    inventory: inventoryOption,
    only: onlyOption,
    precision: precisionsOption,
    repeats: { type: 'string', arg: 'N', help: 'trials per cell (overrides measure.repeats of every workload)' },
    resume: { type: 'string', arg: 'RUN', help: 'continue RUN (a run id or its directory): its missing trials and failed cells' },
    'results-dir': { type: 'string', arg: 'DIR', file: true, help: "where run directories go (default: the inventory's resultsDir, ./results)" },
    teardown: { type: 'string', arg: 'POLICY', choices: ['never', 'on-success', 'always'], help: "vSphere VMs created by the run: never, on-success, always (default: the inventory's)" },
    force: { type: 'boolean', help: 'run even when preflight (what `vharness plan` checks: vCenter login and\ncertificate, template, capacity, model files) found errors' },
    'no-report': { type: 'boolean', help: 'do not write report.html' },
    json: { type: 'boolean', help: 'print summary.json (with results_dir) on stdout instead of the tables' },
  },
  examples: [
    { command: 'vharness run configs/demo.yaml', says: 'the demo matrix on this machine (a few minutes on 2 cores)' },
    { command: 'vharness run configs/table3.yaml -i inventories/lab.yaml --only scaling --precision int8', says: 'the int8 scaling cells of the study on a vSphere lab' },
    { command: 'vharness run configs/table3.yaml -i inventories/lab.yaml --resume 20260101-120000-ab12', says: 'rerun only the missing or failed cells of that run' },
    { command: 'vharness run configs/demo.yaml --only throughput --repeats 10 --json', says: '10 interleaved trials per cell (narrower intervals); summary.json on stdout' },
  ],
  exits: [
    [ExitCode.ok, 'every cell completed'],
    ExitCode.usage,
    ExitCode.config,
    ExitCode.model,
    ExitCode.agent,
    ExitCode.ssh,
    [ExitCode.vsphere, 'preflight errors, or no vSphere cell could run'],
    [ExitCode.cellsFailed, 'the run finished but some cells failed; --resume reruns them'],
    [ExitCode.runDir, 'the run directory is damaged or in use by another --resume'],
    [ExitCode.interrupted, 'Ctrl-C: what was stored is kept; --resume <run-id> continues'],
    [ExitCode.terminated, 'SIGTERM: as for Ctrl-C'],
  ],
  async run({ values, positionals, argv }) {
    if (positionals.length !== 1) throw new UsageError(`Expected one CONFIG file, got ${positionals.length} arguments`, { hint: "see 'vharness run --help'" });
    const selection = selectionFromFlags(values.only, values.precision);
    const config = withRepeats(await loadConfig(positionals[0] as string), values.repeats);
    const inventory = applyTeardownFlag(await loadInventory(values.inventory), values.teardown);
    const cells = expandCells(config, selection);
    if (cells.length === 0) throw new UsageError('Nothing to run: the selection (--only / --precision) matches no cell of the config');

    const log = createLogger();
    const interrupts = trapInterrupts(log, 'stopping every phase, keeping what is stored');
    const signal = interrupts.signal;
    try {
      // What `plan` checks, before anything is created (no results directory, no VM).
      const preflightCtx = { runId: 'preflight', log, signal };
      // The run goes on with the providers preflight used: a vCenter that did not answer is not asked again.
      const providers = createProviders(inventory, preflightCtx);
      const findings = await untilAborted(runPreflight(config, inventory, cells, providers, preflightCtx), signal, 'preflight');
      const errors = findings.filter((f) => f.level === 'error');
      // Unreadable secrets cannot be forced past: every later step would fail on them.
      if (errors.length > 0 && (!values.force || errors.some((f) => f.target === 'inventory'))) throw new PreflightError(findings);
      for (const f of errors) log.warn(`--force: running despite ${f.target}: ${f.message}`);
      const resultsDir = await ensureResultsDir(values['results-dir'] ?? inventory.resultsDir, values['results-dir'] !== undefined ? { flag: 'results-dir' } : { inventory: inventory.file });
      const options: Parameters<typeof runMatrix>[0] = { config, inventory, cells, log, signal, command: ['vharness', 'run', ...argv], resultsDir, providers };
      if (values.resume !== undefined) options.resume = values.resume;
      const result = await runMatrix(options);
      const resumeHint = `--resume ${basename(result.dir)}${values['results-dir'] === undefined ? '' : ` --results-dir ${values['results-dir']}`}`;
      if (!values['no-report'] && result.ran > 0) {
        await writeReport(result.dir).then(
          (file) => file && log.info(`report: ${file}`),
          (error: unknown) => log.warn(`report.html not written: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
      if (values.json) process.stdout.write(`${JSON.stringify({ ...result.summary, results_dir: result.dir }, null, 2)}\n`);
      else process.stdout.write(`${renderTables(result.summary).join('\n\n')}\n\nresults: ${result.dir}\n`);
      const signalCode = interrupts.code();
      if (signalCode !== undefined) {
        log.warn(`interrupted; continue with ${resumeHint}`);
        return signalCode;
      }
      const failed = cells.filter((c) => result.summary.cells.find((s) => s.key === c.key)?.status !== 'completed').length;
      if (failed > 0) log.warn(`${failed} of ${cells.length} cells did not complete; rerun them with ${resumeHint}`);
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
});
