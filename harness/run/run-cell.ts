// One cell across its trials: open (acquire targets, stage the model, start agents, run the
// setup: thread tuning or batch search, or reuse a stored setup on --resume), then one trial
// at a time (the matrix interleaves the trials of compared cells), then close. Any failure
// becomes a failed cell or trial with its reason (data), never an exception that would lose
// the other cells.
import type { Cell } from '../plan/cell.js';
import type { Target } from '../providers/provider.js';
import { allActiveWindow } from '../results/aggregate.js';
import type { CellRecord, CellSetup, InstanceRaw, TrialRecord } from '../results/cell-record.js';
import { summarizeCell, type CellIdentity } from '../results/cell-summary.js';
import type { CellContext } from './cell-context.js';
import { closeInstances, openInstances, type Instance } from './instances.js';
import { untilAborted } from './abortable.js';
import { applySetup, workloadSetups, workloadTrials, type WorkloadEnv } from './workload-runners.js';

/** A cell whose agents are open (or whose opening failed: `error`). */
export interface OpenCell {
  cell: Cell;
  ctx: CellContext;
  startedAt: string;
  targets: Target[];
  instances: Instance[];
  env: WorkloadEnv | undefined;
  setup: CellSetup | null;
  /** Trials kept from an earlier run (completed ones) plus the ones run now. */
  trials: TrialRecord[];
  /** What happened to the cell's trials worth a note in its summary (e.g. a trial repeated). */
  notes: string[];
  error?: string;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function identity(cell: Cell): CellIdentity {
  return {
    key: cell.key,
    workload: cell.kind,
    precision: cell.precision,
    target: cell.target,
    configuration: cell.configuration,
    instances: cell.instances,
    vcpus_per_instance: cell.vcpus,
    memory_gb_per_instance: cell.memoryGB,
    batch: cell.batch,
    threads: cell.threads ?? 0,
    repeats: cell.measure.repeats,
  };
}

/** Completed trials still to run. */
export function trialsLeft(open: OpenCell): number {
  return open.error !== undefined ? 0 : Math.max(0, open.cell.measure.repeats - open.trials.filter((t) => t.status === 'completed').length);
}

/** Opens a cell; `previous` (from --resume) contributes its setup and completed trials. */
export async function openCell(cell: Cell, ctx: CellContext, previous?: CellRecord): Promise<OpenCell> {
  const open: OpenCell = {
    cell,
    ctx,
    startedAt: previous?.started_at ?? new Date().toISOString(),
    targets: [],
    instances: [],
    env: undefined,
    setup: previous?.setup ?? null,
    trials: (previous?.trials ?? []).filter((t) => t.status === 'completed').map((t, index) => ({ ...t, index })),
    notes: [],
  };
  if (trialsLeft(open) === 0 && open.setup) return open;
  try {
    const model = ctx.models[cell.precision];
    if (!model) throw new Error(`no ${cell.precision} model was prepared`);
    ctx.onPhase('acquire');
    // Each phase ends at once on SIGINT/SIGTERM (the signal may have fired before it began).
    open.targets = await untilAborted(ctx.provider.acquire(cell.request, ctx.providerCtx), ctx.signal, 'provisioning');
    ctx.onPhase('stage model');
    // All targets at once: each provider bounds its own transfers (SSH: ssh.concurrency).
    const staging = Promise.all(open.targets.map(async (t) => [t.name, await t.stageModel(model.path, model.sha256)] as const));
    const paths = new Map(await untilAborted(staging, ctx.signal, 'model staging'));
    ctx.onPhase('start agents');
    const opening = openInstances(open.targets, cell.key);
    // Agents that open after an interrupt are closed again, not left running.
    opening.then(
      async (late) => {
        if (ctx.signal?.aborted && open.instances !== late) await closeInstances(late);
      },
      () => undefined,
    );
    open.instances = await untilAborted(opening, ctx.signal, 'agent start');
    for (const i of open.instances) ctx.onSysinfo(i.name, i.target.host, i.sysinfo);
    const load: WorkloadEnv['load'] = { precision: cell.precision, paths, sha256: model.sha256 };
    if (ctx.signal) load.signal = ctx.signal;
    open.env = { cell, instances: open.instances, ctx, load };
    if (open.setup) await applySetup(open.env, open.setup);
    else open.setup = await workloadSetups[cell.kind](open.env);
  } catch (error) {
    open.error = ctx.signal?.aborted ? 'interrupted' : message(error);
  }
  return open;
}

const MAX_SYNC_RETRIES = 2;

/** Every instance completed its closed-loop run, but no moment had them all running. */
function neverOverlapped(raws: readonly InstanceRaw[]): boolean {
  return raws.length > 1 && raws.every((r) => r.status === 'completed' && !r.serving && r.starts_ms.length > 0) && allActiveWindow(raws) === null;
}

/** Runs the cell's next trial; a failed trial ends the cell (its agents may be gone). */
export async function runTrial(open: OpenCell): Promise<TrialRecord> {
  const index = open.trials.length;
  const startedAt = new Date().toISOString();
  let trial: TrialRecord;
  if (!open.env || !open.setup) {
    trial = { status: 'failed', index, started_at: startedAt, finished_at: startedAt, error: open.error ?? 'the cell is not open', instances: [] };
  } else {
    try {
      let raws = await workloadTrials[open.cell.kind](open.env, open.setup, index);
      // A closed-loop trial whose instances never overlapped measured nothing (the start was
      // late by more than the run on a busy machine): it is run again, at most twice, and noted.
      for (let retry = 1; retry <= MAX_SYNC_RETRIES && !open.ctx.signal?.aborted && neverOverlapped(raws); retry++) {
        open.notes.push(`trial ${index + 1}: the instances never ran at the same time (a start later than the run); repeated (${retry} of ${MAX_SYNC_RETRIES})`);
        open.ctx.log.warn(`${open.cell.key} trial ${index + 1}: the instances never ran at the same time; repeating it`);
        raws = await workloadTrials[open.cell.kind](open.env, open.setup, index);
      }
      const bad = raws.filter((r) => r.status !== 'completed');
      const finishedAt = new Date().toISOString();
      if (open.ctx.signal?.aborted) trial = { status: 'failed', index, started_at: startedAt, finished_at: finishedAt, error: 'interrupted', instances: raws };
      else if (bad.length > 0) trial = { status: 'failed', index, started_at: startedAt, finished_at: finishedAt, error: bad.map((r) => (r.error?.includes(r.name) ? r.error : `${r.name}: ${r.error ?? r.status}`)).join('; '), instances: raws };
      else trial = { status: 'completed', index, started_at: startedAt, finished_at: finishedAt, instances: raws };
    } catch (error) {
      trial = { status: 'failed', index, started_at: startedAt, finished_at: new Date().toISOString(), error: message(error), instances: [] };
    }
  }
  open.trials.push(trial);
  if (trial.status === 'failed') open.error = `trial ${index + 1}: ${trial.error}`;
  return trial;
}

/** The cell's record as it stands (written after every trial). */
export function cellRecord(open: OpenCell): CellRecord {
  const notes = [...new Set([...open.targets.flatMap((t) => t.notes), ...open.notes])];
  const config = open.ctx.config;
  const summary = summarizeCell({
    identity: identity(open.cell),
    setup: open.setup,
    trials: open.trials,
    notes,
    measure: open.cell.measure,
    workload: open.cell.workload,
    maxSkewFraction: config.maxSkewFraction,
    noise: config.noise,
    ...(open.error !== undefined ? { error: open.error } : {}),
  });
  // When its last trial ended (re-storing the record at close does not move it past a signal).
  const finishedAt = open.trials.at(-1)?.finished_at ?? new Date().toISOString();
  return { key: open.cell.key, started_at: open.startedAt, finished_at: finishedAt, summary, setup: open.setup, trials: open.trials };
}

/** Re-checks placement (a VM moved during the cell is noted) and closes the agents. */
export async function closeCell(open: OpenCell): Promise<void> {
  await Promise.all(
    open.targets.map((t) => t.afterCell?.().catch((e: unknown) => t.notes.push(`placement after the cell unknown: ${message(e)}`))),
  );
  open.ctx.onPhase('stop agents');
  await closeInstances(open.instances);
  open.instances = [];
}
