// A VM's wanted configuration in full (size plus the row's VM settings, vSphere's defaults
// where the row sets none), compared with what vCenter reads back, and rendered for results.
// Full, so a reused VM that had a reservation or affinity before gets it cleared.
import { formatCpuList } from '../../agent/cpu-list.js';
import type { VmSettings } from '../config/types.js';
import type { VmRecord } from '../core/shared-types.js';
import type { VimObject } from './value.js';

export interface VmConfig {
  numCPUs: number;
  memoryMB: number;
  coresPerSocket: number;
  latencySensitivity: 'normal' | 'high';
  cpuReservationMHz: number;
  /** Reserved MB (all of memoryMB when `memoryLocked`). */
  memoryReservationMB: number;
  /** memoryReservationLockedToMax. */
  memoryLocked: boolean;
  /** Host logical CPUs the VM may run on; empty: no affinity. */
  cpuAffinity: number[];
}

/** The wanted configuration of VM `index` (0-based) of a row. */
export function wantedVmConfig(vcpus: number, memoryGB: number, settings: VmSettings | undefined, index: number): VmConfig {
  const memoryMB = Math.round(memoryGB * 1024);
  const reservation = settings?.memoryReservation;
  return {
    numCPUs: vcpus,
    memoryMB,
    coresPerSocket: settings?.coresPerSocket ?? vcpus,
    latencySensitivity: settings?.latencySensitivity ?? 'normal',
    cpuReservationMHz: settings?.cpuReservationMHz ?? 0,
    memoryReservationMB: reservation === 'all' ? memoryMB : (reservation ?? 0),
    memoryLocked: reservation === 'all',
    cpuAffinity: settings?.cpuAffinity?.[index] ?? [],
  };
}

const LABELS: Record<keyof VmConfig, string> = {
  numCPUs: 'vCPUs',
  memoryMB: 'memory MB',
  coresPerSocket: 'cores per socket',
  latencySensitivity: 'latency sensitivity',
  cpuReservationMHz: 'CPU reservation MHz',
  memoryReservationMB: 'memory reservation MB',
  memoryLocked: 'memory reservation locked to max',
  cpuAffinity: 'CPU affinity',
};

function render(key: keyof VmConfig, value: VmConfig[keyof VmConfig]): string {
  if (key === 'cpuAffinity') return (value as number[]).length === 0 ? 'none' : formatCpuList(value as number[]);
  return String(value);
}

/** What differs between the wanted and the read-back configuration, one phrase per field. */
export function vmConfigDifferences(wanted: VmConfig, actual: VmConfig): string[] {
  const out: string[] = [];
  for (const key of Object.keys(LABELS) as (keyof VmConfig)[]) {
    const a = render(key, actual[key]);
    const w = render(key, wanted[key]);
    if (a !== w) out.push(`${LABELS[key]} ${a} (wanted ${w})`);
  }
  return out;
}

/** The VM's record in results: its host, the placement policy and its settings (snake_case, a file format). */
export function vmRecord(host: string, placement: string, config: VmConfig): VmRecord {
  return {
    host,
    placement,
    cores_per_socket: config.coresPerSocket,
    latency_sensitivity: config.latencySensitivity,
    cpu_reservation_mhz: config.cpuReservationMHz,
    memory_reservation_mb: config.memoryReservationMB,
    memory_locked: config.memoryLocked,
    cpu_affinity: render('cpuAffinity', config.cpuAffinity),
  };
}

/**
 * The VirtualMachineConfigSpec fields after memoryMB that carry the settings, in WSDL order:
 * cpuAllocation, memoryAllocation, latencySensitivity, cpuAffinity (an empty set clears it),
 * then (much later in the sequence) memoryReservationLockedToMax.
 */
export function settingsSpec(config: VmConfig): { head: VimObject; tail: VimObject } {
  return {
    head: {
      cpuAllocation: { reservation: config.cpuReservationMHz },
      memoryAllocation: { reservation: config.memoryReservationMB },
      latencySensitivity: { level: config.latencySensitivity },
      cpuAffinity: { affinitySet: config.cpuAffinity },
    },
    tail: { memoryReservationLockedToMax: config.memoryLocked },
  };
}
