// Runs the cells of a plan into results/<run-id>/: models, providers, then group by group
// (the cells one comparison reads: VM and bare metal, fp32 and int8 of one workload and
// configuration) open the cells, run their trials interleaved (A B C D, D C B A, ...) so that
// drift of the machine hits every side, store each trial as it ends, close the group.
// Summary after every trial, manifest with host facts, --resume at trial granularity, and a
// clean stop on SIGINT/SIGTERM.
import { availableParallelism, hostname } from 'node:os';
import { collectSysInfo } from '../../agent/sysinfo.js';
import type { SysInfo } from '../../agent/protocol.js';
import type { Config, Inventory } from '../config/types.js';
import type { HostFacts } from '../core/shared-types.js';
import { WORKLOAD_METRIC, type Precision, type TargetKind } from '../core/vocabulary.js';
import type { VharnessError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Cell } from '../plan/cell.js';
import { estimateCellSeconds } from '../plan/estimate.js';
import { createProviders } from '../providers/index.js';
import type { Provider, ProviderContext } from '../providers/provider.js';
import { renderCsv } from '../report/csv.js';
import type { CellRecord } from '../results/cell-record.js';
import { LOCAL_VM_NOTE, pairKey, runComparisons } from '../results/comparisons.js';
import { buildManifest } from '../results/manifest.js';
import { newRunId, RunStore } from '../results/run-store.js';
import type { CellSummary, CompletedCell, RunManifest, RunSummary } from '../results/types.js';
import type { CellContext, StagedModel } from './cell-context.js';
import { prepareModels } from './prepare-models.js';
import { RunProgress } from './run-progress.js';
import { cellRecord, closeCell, openCell, runTrial, trialsLeft, type OpenCell } from './run-cell.js';
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
  /** The providers to run on (e.g. the ones preflight used); default: new ones from the inventory. */
  providers?: Record<TargetKind, Provider>;
  /** Called around every trial (tests start a CPU hog on a cell's CPUs here). */
  onTrial?: (event: TrialEvent) => void | Promise<void>;
}

export interface TrialEvent {
  phase: 'start' | 'end';
  cell: Cell;
  /** 0-based trial number. */
  trial: number;
  /** CPUs the cell's instances are pinned to (union; empty when unpinned). */
  cpus: number[];
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
  const cells: CellSummary[] = [...planned, ...others].map((k) => records.get(k)?.summary).filter((s) => s !== undefined);
  const margin = options.config.equivalenceMargin;
  const comparisons = runComparisons(cells, options.inventory.vm.provider === 'local' ? { margin, vmNote: LOCAL_VM_NOTE } : { margin });
  return { run_id: runId, config: options.config.file, inventory: options.inventory.file, model, started_at: startedAt, finished_at: new Date().toISOString(), equivalence_margin: margin, cells, comparisons };
}

/** Cells grouped for interleaving, in plan order of each group's first cell. */
export function interleaveGroups(cells: readonly Cell[]): Cell[][] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells) {
    const key = `${cell.kind}|${pairKey({ workload: cell.kind, instances: cell.instances, configuration: cell.configuration })}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()];
}

/** The order of round `r`: forward on even rounds, backward on odd ones (A B, B A, ...). */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

function isDone(record: CellRecord | undefined, cell: Cell): boolean {
  return record?.summary.status === 'completed' && record.trials.filter((t) => t.status === 'completed').length >= cell.measure.repeats;
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
  const todo = options.cells.filter((c) => !isDone(previous.get(c.key), c));
  const startedAt = new Date().toISOString();

  if (resumed && todo.length === 0) {
    log.info(`resume: all ${options.cells.length} cells of ${resumed.runId} are completed; nothing to run`);
    const existing = await resumed.readSummary();
    const summary = existing ?? summaryOf(resumed.runId, options, previous, new Map(), startedAt);
    return { dir: resumed.dir, summary, ran: 0, interrupted: false, unavailable: [] };
  }

  // Models before anything is created: a model failure leaves no half-made run behind.
  const precisions = [...new Set(todo.map((c) => c.precision))];
  const infos = await untilAborted(prepareModels(config.model, precisions, log, signal), signal, 'model preparation');
  const models = new Map<Precision, StagedModel>([...infos].map(([p, m]) => [p, { path: m.path, sha256: m.sha256 }]));

  const store = resumed ?? (await RunStore.create(resultsDir, newRunId(config.name)));
  if (!resumed) locked(await lockRunDir(store.dir));
  const providerCtx: ProviderContext = { runId: store.runId, log };
  if (signal) providerCtx.signal = signal;
  const providers: Record<TargetKind, Provider> = options.providers ?? createProviders(inventory, providerCtx);
  const hosts = new Map<string, HostFacts>();
  const oldManifest: RunManifest | undefined = resumed ? ((await resumed.readManifest().catch(() => null)) ?? undefined) : undefined;
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
  const writeSummary = async (): Promise<void> => {
    const summary = summaryOf(store.runId, options, records, models, startedAt);
    await store.writeSummary(summary, renderCsv(summary));
  };
  const cpus = availableParallelism();
  const groups = interleaveGroups(todo);
  const estimate = (c: Cell): number => estimateCellSeconds(c, { arch: config.model.arch, cpus, startLeadMs: config.startLeadMs });
  // The progress bar counts groups (their cells run interleaved); the line names the cell at work.
  const progress = new RunProgress({ estimates: groups.map((g) => g.reduce((s, c) => s + estimate(c), 0)) });
  let ran = 0;
  let outcome = 'success' as 'success' | 'failure' | 'interrupted';
  const position = new Map(todo.map((c, i) => [c.key, i + 1]));
  const tag = (cell: Cell): string => `[${position.get(cell.key) ?? '?'}/${todo.length}] ${cell.key}`;
  const store1 = async (open: OpenCell): Promise<CellRecord> => {
    const record = cellRecord(open);
    await store.writeCell(record);
    records.set(open.cell.key, record);
    await writeSummary();
    return record;
  };
  const contextOf = (cell: Cell): CellContext => {
    const provider = providers[cell.target];
    let lastStepsPhase: string | undefined;
    const ctx: CellContext = {
      config,
      models: Object.fromEntries(models),
      provider,
      providerCtx,
      log,
      onPhase: (phase) => {
        progress.setCell(cell.key);
        progress.setPhase(phase);
        log.progress(progress.render());
        log.debug(`phase: ${cell.key}: ${phase}`);
      },
      onSteps: (phase, done, total) => {
        // One debug line per phase change (warmup, run), not per progress event.
        if (phase !== lastStepsPhase) log.debug(`phase: ${cell.key}: ${phase}`);
        lastStepsPhase = phase;
        progress.setCell(cell.key);
        progress.setSteps(phase, done, total);
        log.progress(progress.render());
      },
      onSysinfo: (instance: string, host: string, sysinfo: SysInfo) => {
        const name = cell.target === 'vm' ? instance : host;
        if (!hosts.has(name)) hosts.set(name, { name, kind: provider.kind, sysinfo });
      },
    };
    if (signal) ctx.signal = signal;
    return ctx;
  };
  try {
    for (const [index, group] of groups.entries()) {
      if (signal?.aborted) break;
      progress.startCell(index, group[0]?.key ?? '');
      const opened: OpenCell[] = [];
      try {
        for (const cell of group) {
          if (signal?.aborted) break;
          const open = await openCell(cell, contextOf(cell), previous.get(cell.key));
          opened.push(open);
          ran++;
          if (open.error !== undefined) {
            await store1(open);
            log.warn(`${tag(cell)}: failed: ${open.error}`);
          }
        }
        // Trials interleaved: round r runs every cell's next trial, the order reversed each round.
        for (let round = 0; opened.some((o) => trialsLeft(o) > 0); round++) {
          for (const open of roundOrder(opened, round)) {
            if (signal?.aborted) break;
            if (trialsLeft(open) === 0) continue;
            const event = { cell: open.cell, trial: open.trials.length, cpus: [...new Set(open.instances.flatMap((i) => i.target.cpus ?? []))].sort((a, b) => a - b) };
            await options.onTrial?.({ phase: 'start', ...event });
            const trial = await runTrial(open);
            await options.onTrial?.({ phase: 'end', ...event });
            const record = await store1(open);
            const n = `trial ${trial.index + 1}/${open.cell.measure.repeats}`;
            if (trial.status === 'failed') log.warn(`${tag(open.cell)} ${n}: failed: ${trial.error}`);
            else log.info(`${tag(open.cell)} ${n}: ${trialFigure(record.summary, trial.index)}`);
          }
          if (signal?.aborted) break;
        }
      } finally {
        for (const open of opened) {
          // Stopped between its trials: say so (the stored trials are kept; --resume runs the rest).
          if (signal?.aborted && open.error === undefined && trialsLeft(open) > 0) {
            const done = open.trials.filter((t) => t.status === 'completed').length;
            open.error = `interrupted after ${done} of ${open.cell.measure.repeats} trials`;
          }
          await closeCell(open);
          const record = await store1(open);
          const s = record.summary;
          if (s.status === 'completed') {
            log.info(`${tag(open.cell)}: ${cellFigure(s)}, threads ${s.threads}, batch ${s.batch}: ${s.validity.toUpperCase()}${s.reasons.length > 0 ? ` (${s.reasons.join('; ')})` : ''}`);
          } else {
            if (!signal?.aborted) outcome = 'failure';
            if (open.error === undefined) log.warn(`${tag(open.cell)}: failed: ${s.error}`);
          }
        }
        progress.endCell();
      }
    }
    if (signal?.aborted) outcome = 'interrupted';
  } finally {
    // Hypervisor facts (vSphere) and hosts no agent reported from.
    for (const p of new Set(Object.values(providers))) {
      const facts = await p.facts(providerCtx).catch(() => []);
      for (const f of facts) if (!hosts.has(f.name)) hosts.set(f.name, f);
    }
    await Promise.all([...new Set(Object.values(providers))].map((p) => p.shutdown(outcome, providerCtx).catch((error: unknown) => log.warn(`provider shutdown: ${String(error)}`))));
    await writeSummary();
    await writeManifest();
  }
  const summary = summaryOf(store.runId, options, records, models, startedAt);
  const unavailable = (['vm', 'baremetal'] as const).flatMap((target) => {
    const error = providers[target].unavailable?.();
    return error ? [{ target, error }] : [];
  });
  return { dir: store.dir, summary, ran, interrupted: outcome === 'interrupted', unavailable };
}

function trialFigure(s: CellSummary, index: number): string {
  const t = s.trials.find((x) => x.index === index);
  const m = WORKLOAD_METRIC[s.workload];
  return t?.status === 'completed' ? `${t[m.name].toFixed(2)} ${m.unit}` : 'done';
}

function cellFigure(s: CompletedCell): string {
  const m = WORKLOAD_METRIC[s.workload];
  const e = s[m.name];
  const ci = e.ci95 ? ` (95% CI ${e.ci95[0].toFixed(2)} to ${e.ci95[1].toFixed(2)})` : '';
  return `${e.mean.toFixed(2)} ${m.unit}${ci} over ${e.n} trials`;
}
