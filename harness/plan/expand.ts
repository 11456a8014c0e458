// Expands a config into its cells (pure): every workload x configuration x precision x
// target, in a stable order, filtered by --only / --precision.
import type { Precision } from '../core/vocabulary.js';
import type { Config, Configuration, WorkloadConfig } from '../config/types.js';
import type { Workload } from '../core/vocabulary.js';
import type { Cell } from './cell.js';

export interface ExpandOptions {
  /** Only these workload kinds. @default all */
  only?: Workload[];
  /** Only these precisions. @default all of each workload */
  precisions?: Precision[];
}

function row(config: Config, id: string): Configuration {
  const found = config.configurations.find((c) => c.id === id);
  // The loader checked every reference; reaching this is a bug.
  if (!found) throw new Error(`configuration '${id}' is not defined`);
  return found;
}

function vmCell(workload: WorkloadConfig, precision: Precision, c: Configuration, batch: number, threads: number | undefined): Cell {
  return {
    key: `${workload.kind}/${precision}/vm/c${c.id}`,
    kind: workload.kind,
    precision,
    target: 'vm',
    configuration: c.id,
    instances: c.vms,
    vcpus: c.vcpus,
    memoryGB: c.memoryGB,
    batch,
    threads,
    measure: workload.measure,
    request: { target: 'vm', configuration: c.id, vms: c.vms, vcpus: c.vcpus, memoryGB: c.memoryGB, ...(c.settings ? { settings: c.settings } : {}) },
    workload,
  };
}

function baremetalCell(workload: WorkloadConfig, precision: Precision, configuration: string, instances: number, batch: number, threads: number | undefined, suffix: string): Cell {
  return {
    key: `${workload.kind}/${precision}/baremetal/${suffix}`,
    kind: workload.kind,
    precision,
    target: 'baremetal',
    configuration,
    instances,
    vcpus: null,
    memoryGB: null,
    batch,
    threads,
    measure: workload.measure,
    request: { target: 'baremetal', configuration, instances },
    workload,
  };
}

/** The cells of one workload for one precision, VM cells first, then bare metal. */
function workloadCells(config: Config, w: WorkloadConfig, precision: Precision): Cell[] {
  const cells: Cell[] = [];
  const bm = config.baremetal;
  switch (w.kind) {
    case 'latency': {
      const c = row(config, w.configuration);
      const vm = vmCell(w, precision, c, w.batch, undefined);
      if (w.threads) vm.threadCandidates = w.threads.filter((t) => t <= c.vcpus);
      cells.push(vm);
      if (bm) {
        // The paper: one process on the whole server, threads tuned apart from the VM.
        const b = baremetalCell(w, precision, c.id, 1, w.batch, undefined, `c${c.id}`);
        if (w.threads) b.threadCandidates = [...w.threads];
        cells.push(b);
      }
      return cells;
    }
    case 'throughput': {
      const c = row(config, w.configuration);
      const threads = w.threads ?? c.vcpus;
      cells.push(vmCell(w, precision, c, w.batch, threads));
      // The same instances without partitioning.
      if (bm) cells.push(baremetalCell(w, precision, c.id, c.vms, w.batch, threads, `c${c.id}`));
      return cells;
    }
    case 'scaling': {
      const rows = w.configurations.map((id) => row(config, id));
      for (const c of rows) cells.push(vmCell(w, precision, c, w.batch, w.threads ?? c.vcpus));
      if (bm) {
        const counts = w.baremetalInstances ?? [...new Set(rows.map((c) => c.vms))];
        for (const n of counts) {
          const match = rows.find((c) => c.vms === n);
          const threads = w.threads ?? match?.vcpus ?? rows[0]?.vcpus ?? 1;
          cells.push(baremetalCell(w, precision, match?.id ?? `n${n}`, n, w.batch, threads, `n${n}`));
        }
      }
      return cells;
    }
    case 'server':
    case 'offline':
    case 'multistream': {
      const c = row(config, w.configuration);
      cells.push(vmCell(w, precision, c, w.maxBatch, w.threads ?? c.vcpus));
      // The paper: the VMs of the configuration vs one instance on the whole server.
      if (bm) cells.push(baremetalCell(w, precision, c.id, 1, w.maxBatch, (w.threads ?? c.vcpus) * c.vms, `c${c.id}`));
      return cells;
    }
  }
}

/** All cells of a config, in run order: workloads in file order, then precision, then target. */
export function expandCells(config: Config, options: ExpandOptions = {}): Cell[] {
  const cells: Cell[] = [];
  for (const w of config.workloads) {
    if (options.only && !options.only.includes(w.kind)) continue;
    for (const precision of w.precisions) {
      if (options.precisions && !options.precisions.includes(precision)) continue;
      cells.push(...workloadCells(config, w, precision));
    }
  }
  return cells;
}
