// Runs the cells of a plan into results/<run-id>/: models, providers, one cell after the
// other (each stored as soon as it ends), summary after every cell, manifest with host
// facts, --resume of missing/failed cells, and a clean stop on SIGINT/SIGTERM.
import { availableParallelism, hostname } from 'node:os';
import { collectSysInfo } from '../../agent/sysinfo.js';
import type { Precision, SysInfo } from '../../agent/protocol.js';
import type { Config, Inventory } from '../config/types.js';
import type { VharnessError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Cell } from '../plan/cell.js';
import { estimateCellSeconds } from '../plan/estimate.js';
import { createProviders } from '../providers/index.js';
import type { HostFacts, Provider, ProviderContext } from '../providers/provider.js';
import type { CellRecord } from '../results/cell-record.js';
import { buildManifest } from '../results/manifest.js';
import { newRunId, RunStore } from '../results/run-store.js';
import type { RunManifest, RunSummary, TargetKind } from '../results/types.js';
import type { CellContext, StagedModel } from './cell-context.js';
import { prepareModels } from './prepare-models.js';
import { RunProgress } from './run-progress.js';
import { runCell } from './run-cell.js';
import { untilAborted } from './abortable.js';
import { checkRunDir, checkSameInputs, lockRunDir, runInputs } from '../results/run-dir-guard.js';

export interface RunMatrixOptions {
  config: Config;
  inventory: Inventory;
  cells: Cell[];
  /** Where run directories are created. @default inventory.resultsDir */
  resultsDir?: string;
  /** A previous run (id or path) whose completed cells are kept. */
  resume?: string;
  log: Logger;
  signal?: AbortSignal;
  /** The command line, recorded in the manifest. */
  command: string[];
}

export interface RunMatrixResult {
  dir: string;
  summary: RunSummary;
  /** Cells run now (0 when --resume found nothing to do). */
  ran: number;
  interrupted: boolean;
  /** Providers that gave up on their backend during the run, with the reason (e.g. vCenter unreachable). */
  unavailable: { target: TargetKind; error: VharnessError }[];
}

function summaryOf(runId: string, options: RunMatrixOptions, records: Map<string, CellRecord>, models: Map<Precision, StagedModel>, startedAt: string): RunSummary {
  const model: RunSummary['model'] = { arch: options.config.model.arch };
  const fp32 = models.get('fp32');
  const int8 = models.get('int8');
  if (fp32) model.fp32 = { path: fp32.path, sha256: fp32.sha256 };
  if (int8) model.int8 = { path: int8.path, sha256: int8.sha256 };
  // Planned cells in plan order, then cells stored by an earlier (e.g. wider) run of this directory.
  const planned = new Set(options.cells.map((c) => c.key));
  const others = [...records.keys()].filter((k) => !planned.has(k)).sort();
  const cells = [...planned, ...others].map((k) => records.get(k)?.summary).filter((s) => s !== undefined);
  return { run_id: runId, config: options.config.file, inventory: options.inventory.file, model, started_at: startedAt, finished_at: new Date().toISOString(), cells };
}

export async function runMatrix(options: RunMatrixOptions): Promise<RunMatrixResult> {
  const { config, inventory } = options;
  const resultsDir = options.resultsDir ?? inventory.resultsDir;
  const resumed = options.resume === undefined ? undefined : await RunStore.open(resultsDir, options.resume);
  // A run continues only from a readable directory made from the same files, by one process at a time.
  const inputs = await runInputs(config.file, inventory.file);
  let unlock: (() => Promise<void>) | undefined;
  if (resumed) {
    checkSameInputs(resumed.dir, await checkRunDir(resumed.dir), inputs, { config: config.file, inventory: inventory.file });
    unlock = await lockRunDir(resumed.dir);
  }
  try {
    return await runLocked(options, resultsDir, resumed, inputs, (lock) => (unlock = lock));
  } finally {
    await unlock?.();
  }
}

async function runLocked(
  options: RunMatrixOptions,
  resultsDir: string,
  resumed: RunStore | undefined,
  inputs: NonNullable<RunManifest['inputs']>,
  locked: (unlock: () => Promise<void>) => void,
): Promise<RunMatrixResult> {
  const { config, inventory, log, signal } = options;
  const previous = resumed ? await resumed.readCells() : new Map<string, CellRecord>();
  const todo = options.cells.filter((c) => previous.get(c.key)?.summary.status !== 'completed');
  const startedAt = new Date().toISOString();

  if (resumed && todo.length === 0) {
    log.info(`resume: all ${options.cells.length} cells of ${resumed.runId} are completed; nothing to run`);
    const existing = await resumed.readSummary();
    const summary = existing ?? summaryOf(resumed.runId, options, previous, new Map(), startedAt);
    return { dir: resumed.dir, summary, ran: 0, interrupted: false, unavailable: [] };
  }

  // Models before anything is created: a model failure leaves no half-made run behind.
  const precisions = [...new Set(todo.map((c) => c.precision))];
  const infos = await untilAborted(prepareModels(config.model, precisions, log), signal, 'model preparation');
  const models = new Map<Precision, StagedModel>([...infos].map(([p, m]) => [p, { path: m.path, sha256: m.sha256 }]));

  const store = resumed ?? (await RunStore.create(resultsDir, newRunId(config.name)));
  if (!resumed) locked(await lockRunDir(store.dir));
  const providerCtx: ProviderContext = { runId: store.runId, log };
  if (signal) providerCtx.signal = signal;
  const providers: Record<TargetKind, Provider> = createProviders(inventory, providerCtx);
  const hosts = new Map<string, HostFacts>();
  const oldManifest: RunManifest | undefined = resumed ? await resumed.readManifest().catch(() => undefined) : undefined;
  for (const h of oldManifest?.hosts ?? []) hosts.set(h.name, h);
  // The controller machine itself, then every host/VM an agent reports from.
  const controllerName = `controller:${hostname()}`;
  if (!hosts.has(controllerName)) hosts.set(controllerName, { name: controllerName, kind: 'local', sysinfo: collectSysInfo() });

  const writeManifest = async (): Promise<void> => {
    const manifestModels: RunManifest['models'] = [...infos].map(([precision, m]) => ({ precision, path: m.path, sha256: m.sha256, bytes: m.bytes }));
    for (const m of oldManifest?.models ?? []) if (!manifestModels.some((x) => x.precision === m.precision)) manifestModels.push(m);
    const input: Parameters<typeof buildManifest>[0] = { runId: store.runId, config, inventory, hosts: [...hosts.values()], models: manifestModels, command: options.command, inputs };
    if (oldManifest) input.createdAt = oldManifest.created_at;
    await store.writeManifest(await buildManifest(input));
  };
  await writeManifest();
  log.info(`run ${store.runId}: ${todo.length} of ${options.cells.length} cells to run -> ${store.dir}`);

  const records = new Map(previous);
  const cpus = availableParallelism();
  const progress = new RunProgress({ estimates: todo.map((c) => estimateCellSeconds(c, { arch: config.model.arch, cpus, startLeadMs: config.startLeadMs })) });
  let ran = 0;
  let outcome = 'success' as 'success' | 'failure' | 'interrupted';
  try {
    for (const [index, cell] of todo.entries()) {
      if (signal?.aborted) {
        outcome = 'interrupted';
        break;
      }
      const provider = providers[cell.target];
      progress.startCell(index, cell.key);
      let lastStepsPhase: string | undefined;
      const ctx: CellContext = {
        config,
        models: Object.fromEntries(models),
        provider,
        providerCtx,
        log,
        onPhase: (phase) => {
          progress.setPhase(phase);
          log.progress(progress.render());
          log.debug(`phase: ${cell.key}: ${phase}`);
        },
        onSteps: (phase, done, total) => {
          // One debug line per phase change (warmup, run), not per progress event.
          if (phase !== lastStepsPhase) log.debug(`phase: ${cell.key}: ${phase}`);
          lastStepsPhase = phase;
          progress.setSteps(phase, done, total);
          log.progress(progress.render());
        },
        onSysinfo: (instance: string, host: string, sysinfo: SysInfo) => {
          const name = cell.target === 'vm' ? instance : host;
          if (!hosts.has(name)) hosts.set(name, { name, kind: provider.kind, sysinfo });
        },
      };
      if (signal) ctx.signal = signal;
      const record = await runCell(cell, ctx);
      ran++;
      progress.endCell();
      await store.writeCell(record);
      records.set(cell.key, record);
      const s = record.summary;
      if (s.status === 'completed') {
        const figure = s.workload === 'latency' ? `${s.latency_ms?.mean.toFixed(2)} ms mean` : `${s.throughput_ips?.toFixed(1)} img/s`;
        log.info(`[${index + 1}/${todo.length}] ${cell.key}: ${figure}, threads ${s.threads}, batch ${s.batch}${s.valid ? '' : ` (flags: ${s.flags.join(', ')})`}`);
      } else {
        if (outcome !== 'interrupted') outcome = 'failure';
        log.warn(`[${index + 1}/${todo.length}] ${cell.key}: failed: ${s.error ?? 'unknown reason'}`);
      }
      await store.writeSummary(summaryOf(store.runId, options, records, models, startedAt));
    }
    if (signal?.aborted) outcome = 'interrupted';
  } finally {
    // Hypervisor facts (vSphere) and hosts no agent reported from.
    for (const p of new Set(Object.values(providers))) {
      const facts = await p.facts(providerCtx).catch(() => []);
      for (const f of facts) if (!hosts.has(f.name)) hosts.set(f.name, f);
    }
    await Promise.all([...new Set(Object.values(providers))].map((p) => p.shutdown(outcome, providerCtx).catch((error: unknown) => log.warn(`provider shutdown: ${String(error)}`))));
    const summary = summaryOf(store.runId, options, records, models, startedAt);
    await store.writeSummary(summary);
    await writeManifest();
  }
  const summary = summaryOf(store.runId, options, records, models, startedAt);
  const unavailable = (['vm', 'baremetal'] as const).flatMap((target) => {
    const error = providers[target].unavailable?.();
    return error ? [{ target, error }] : [];
  });
  return { dir: store.dir, summary, ran, interrupted: outcome === 'interrupted', unavailable };
}
