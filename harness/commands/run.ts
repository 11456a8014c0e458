// `vharness run CONFIG`: runs the matrix of a config on an inventory's targets and prints the
// paper-shaped tables and the results path. Exit 0 when every cell completed, 8 otherwise,
// 130/143 when interrupted (what was stored is kept; --resume continues it).
import { parse } from '../args.js';
import type { Command } from '../cli.js';
import { loadConfig, loadInventory } from '../config/load.js';
import type { Config } from '../config/types.js';
import { ExitCode, UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { expandCells } from '../plan/expand.js';
import { applyTeardownFlag } from '../providers/vsphere.js';
import { selectionFromFlags } from '../plan/selection-flags.js';
import { renderTables } from '../report/tables.js';
import { runMatrix } from '../run/run-matrix.js';

const usage = `usage: vharness run CONFIG [-i INVENTORY] [--only WORKLOAD] [--precision P] [--repeats N] [--resume RUN] [--results-dir DIR] [--teardown POLICY] [--no-report] [--json]

Runs every cell of CONFIG (workload x configuration x precision x target) and stores
results/<run-id>/ (manifest.json, cells/*.json with raw samples, summary.json, summary.csv,
report.html), then prints the tables and the results path.
  -i, --inventory FILE   where to run (default: this machine, inventories/local.yaml)
  --only WORKLOAD        latency, throughput, scaling, multistream (comma-separated)
  --precision P          fp32 or int8 (comma-separated)
  --repeats N            trials per cell (overrides measure.repeats of every workload)
  --resume RUN           continue RUN (an id or a path): missing trials and failed cells
  --results-dir DIR      where run directories go (default: the inventory's resultsDir, ./results)
  --teardown POLICY      vSphere VMs created by the run: never, on-success, always (default: the inventory's)
  --no-report            do not write report.html
  --json                 print summary.json on stdout instead of the tables
Exit codes: 0 all cells completed, 8 some cells failed, 3 bad config, 130/143 interrupted.
`;

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
        repeats: { type: 'string' },
        resume: { type: 'string' },
        'results-dir': { type: 'string' },
        teardown: { type: 'string' },
        'no-report': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length !== 1) throw new UsageError(`Expected one CONFIG file, got ${positionals.length} arguments`, { hint: usage.split('\n')[0] });
    const selection = selectionFromFlags(values.only, values.precision);
    const config = withRepeats(await loadConfig(positionals[0] as string), values.repeats);
    const inventory = applyTeardownFlag(await loadInventory(values.inventory), values.teardown);
    const cells = expandCells(config, selection);
    if (cells.length === 0) throw new UsageError('Nothing to run: the selection (--only / --precision) matches no cell of the config');

    const log = createLogger();
    const controller = new AbortController();
    let signalCode: number | undefined;
    const onSignal = (name: 'SIGINT' | 'SIGTERM') => () => {
      if (signalCode !== undefined) return;
      signalCode = name === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
      log.warn(`${name}: stopping the agents, keeping what is stored`);
      controller.abort(name);
    };
    const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
    process.on('SIGINT', handlers.SIGINT);
    process.on('SIGTERM', handlers.SIGTERM);
    try {
      const options: Parameters<typeof runMatrix>[0] = { config, inventory, cells, log, signal: controller.signal, command: ['vharness', 'run', ...argv] };
      if (values.resume !== undefined) options.resume = values.resume;
      if (values['results-dir'] !== undefined) options.resultsDir = values['results-dir'];
      const result = await runMatrix(options);
      if (!values['no-report'] && result.ran > 0) {
        await writeReport(result.dir).then(
          (file) => file && log.info(`report: ${file}`),
          (error: unknown) => log.warn(`report.html not written: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
      if (values.json) process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
      else process.stdout.write(`${renderTables(result.summary).join('\n\n')}\n\nresults: ${result.dir}\n`);
      if (signalCode !== undefined) return signalCode;
      const failed = cells.filter((c) => result.summary.cells.find((s) => s.key === c.key)?.status !== 'completed').length;
      if (failed > 0) log.warn(`${failed} of ${cells.length} cells did not complete; rerun them with --resume ${result.dir}`);
      return failed > 0 ? ExitCode.cellsFailed : ExitCode.ok;
    } finally {
      process.off('SIGINT', handlers.SIGINT);
      process.off('SIGTERM', handlers.SIGTERM);
    }
  },
};
