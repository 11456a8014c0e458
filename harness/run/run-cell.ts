// Runs one cell end to end: acquire targets, stage the model, open agents, drive the
// workload, aggregate, and always close the agents. Any failure becomes a failed cell
// with its reason (data), never an exception that would lose the other cells.
import type { Cell } from '../plan/cell.js';
import { aggregateCell } from '../results/aggregate.js';
import type { CellRecord, InstanceRaw } from '../results/cell-record.js';
import type { CellSummary } from '../results/types.js';
import type { CellContext } from './cell-context.js';
import type { LoadOptions } from './load-instances.js';

type WorkloadEnvLoad = Omit<LoadOptions, 'threads' | 'batch'>;
import { closeInstances, openInstances, type Instance } from './instances.js';
import { workloadRunners, type WorkloadOutcome } from './workload-runners.js';
import { untilAborted } from './abortable.js';

function baseSummary(cell: Cell): CellSummary {
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
    status: 'failed',
    valid: false,
    flags: [],
    throughput_ips: null,
    latency_ms: null,
    first_inference_ms: null,
    start_skew_ms: null,
    window_s: null,
    per_instance: [],
  };
}

function summarize(cell: Cell, outcome: WorkloadOutcome, ctx: CellContext, notes: string[]): CellSummary {
  const agg = outcome.aggregate ?? aggregateCell({ instances: outcome.raws, measure: cell.measure, maxSkewFraction: ctx.config.maxSkewFraction });
  const flags = [...agg.flags, ...outcome.flags];
  const summary: CellSummary = {
    ...baseSummary(cell),
    batch: outcome.batch,
    threads: outcome.threads,
    status: agg.status,
    valid: agg.status === 'completed' && flags.length === 0,
    flags,
    throughput_ips: agg.throughput_ips,
    latency_ms: agg.latency_ms,
    first_inference_ms: agg.first_inference_ms,
    start_skew_ms: agg.start_skew_ms,
    window_s: agg.window_s,
    per_instance: agg.per_instance,
  };
  if (agg.error !== undefined) summary.error = agg.error;
  if (outcome.threadProbes) summary.thread_probes = outcome.threadProbes;
  if (outcome.multistream) summary.multistream = outcome.multistream;
  if (outcome.server) summary.server = outcome.server;
  if (outcome.offline) summary.offline = outcome.offline;
  if (notes.length > 0) summary.notes = notes;
  return summary;
}

export async function runCell(cell: Cell, ctx: CellContext): Promise<CellRecord> {
  const startedAt = new Date().toISOString();
  let instances: Instance[] = [];
  let summary: CellSummary;
  let raws: InstanceRaw[] = [];
  try {
    const model = ctx.models[cell.precision];
    if (!model) throw new Error(`no ${cell.precision} model was prepared`);
    ctx.onPhase('acquire');
    // Each phase ends at once on SIGINT/SIGTERM (the signal may have fired before it began).
    const targets = await untilAborted(ctx.provider.acquire(cell.request, ctx.providerCtx), ctx.signal, 'provisioning');
    ctx.onPhase('stage model');
    // All targets at once: each provider bounds its own transfers (SSH: ssh.concurrency).
    const staging = Promise.all(targets.map(async (t) => [t.name, await t.stageModel(model.path, model.sha256)] as const));
    const paths = new Map(await untilAborted(staging, ctx.signal, 'model staging'));
    ctx.onPhase('start agents');
    const opening = openInstances(targets, cell.key);
    // Agents that open after an interrupt are closed again, not left running.
    opening.then(
      async (late) => {
        if (ctx.signal?.aborted && instances !== late) await closeInstances(late);
      },
      () => undefined,
    );
    instances = await untilAborted(opening, ctx.signal, 'agent start');
    for (const i of instances) ctx.onSysinfo(i.name, i.target.host, i.sysinfo);
    const load: WorkloadEnvLoad = { precision: cell.precision, paths, sha256: model.sha256 };
    if (ctx.signal) load.signal = ctx.signal;
    const outcome = await workloadRunners[cell.kind]({ cell, instances, ctx, load });
    raws = outcome.raws;
    // Providers re-check placement after the work (a VM moved by DRS during the cell is noted).
    await Promise.all(
      targets.map((t) => t.afterCell?.().catch((e: unknown) => t.notes.push(`placement after the cell unknown: ${e instanceof Error ? e.message : String(e)}`))),
    );
    const notes = [...new Set(targets.flatMap((t) => t.notes))];
    summary = summarize(cell, outcome, ctx, notes);
  } catch (error) {
    summary = baseSummary(cell);
    summary.error = ctx.signal?.aborted ? 'interrupted' : error instanceof Error ? error.message : String(error);
  } finally {
    ctx.onPhase('stop agents');
    await closeInstances(instances);
  }
  // Nothing measured after the signal is stored as completed: the cell reruns on --resume.
  if (ctx.signal?.aborted && summary.status === 'completed') {
    summary = { ...baseSummary(cell), error: 'interrupted' };
    raws = [];
  }
  return { key: cell.key, started_at: startedAt, finished_at: new Date().toISOString(), summary, instances: raws };
}
