// Types several folders need (config, plan, providers, vsphere, report), kept here so that
// they import downwards instead of reaching up into providers/ or results/.
import type { SysInfo } from '../../agent/protocol.js';

/** `baremetal`: SSH hosts running baselines; `ssh`: pre-existing VMs reached over SSH. */
export type ProviderKind = 'local' | 'baremetal' | 'vsphere' | 'ssh';

/** One line of a check (`plan`, preflight, inventory diff). */
export interface Finding {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface HostFacts {
  name: string;
  kind: ProviderKind;
  /** Agent sysinfo where an agent ran there. */
  sysinfo?: SysInfo;
  /** Hypervisor facts (ESXi version, CPU model, sockets, cores, memory) for vSphere hosts. */
  hypervisor?: Record<string, string | number>;
}

/** Per VM in summary.json (snake_case, a file format): where it ran, by which policy, with which settings. */
export interface VmRecord {
  host: string;
  placement: string;
  cores_per_socket: number;
  latency_sensitivity: string;
  cpu_reservation_mhz: number;
  memory_reservation_mb: number;
  memory_locked: boolean;
  /** Host logical CPUs (`0-11`), or `none`. */
  cpu_affinity: string;
}

export type { Precision, Workload, TargetKind } from './vocabulary.js';
