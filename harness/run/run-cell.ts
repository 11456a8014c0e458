// Runs one cell end to end: acquire targets, stage the model, open agents, drive the
// workload, aggregate, and always close the agents. Any failure becomes a failed cell
// with its reason (data), never an exception that would lose the other cells.
import type { Cell } from '../plan/cell.js';
import { aggregateCell } from '../results/aggregate.js';
import type { CellRecord, InstanceRaw } from '../results/cell-record.js';
import type { CellSummary } from '../results/types.js';
import type { CellContext } from './cell-context.js';
import { closeInstances, openInstances, type Instance } from './instances.js';
import { workloadRunners, type WorkloadOutcome } from './workload-runners.js';

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
    const targets = await ctx.provider.acquire(cell.request, ctx.providerCtx);
    ctx.onPhase('stage model');
    // All targets at once: each provider bounds its own transfers (SSH: ssh.concurrency).
    const paths = new Map(await Promise.all(targets.map(async (t) => [t.name, await t.stageModel(model.path, model.sha256)] as const)));
    ctx.onPhase('start agents');
    instances = await openInstances(targets, cell.key);
    for (const i of instances) ctx.onSysinfo(i.name, i.target.host, i.sysinfo);
    const outcome = await workloadRunners[cell.kind]({ cell, instances, ctx, load: { precision: cell.precision, paths, sha256: model.sha256 } });
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
  if (ctx.signal?.aborted && summary.status === 'completed' && summary.flags.includes('stopped')) {
    summary.status = 'failed';
    summary.error = 'interrupted';
  }
  return { key: cell.key, started_at: startedAt, finished_at: new Date().toISOString(), summary, instances: raws };
}
