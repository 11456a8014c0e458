// Every place instances can run (this machine, SSH hosts, vSphere VMs) implements one interface.
// The controller asks a provider for targets of a shape and launches agents on them; it never
// branches on the provider kind.
import type { Finding, HostFacts, ProviderKind } from '../core/shared-types.js';
import type { VharnessError } from '../errors.js';
import type { VmSettings } from '../config/types.js';
import type { VmRecord } from '../core/shared-types.js';
import type { ConfigurationPlacement } from '../vsphere/capacity.js';
import type { Logger } from '../log.js';
import type { AgentChannel } from '../transport/channel.js';

// Shared with config/, plan/, vsphere/ and report/: they live in core/ (re-exported here).
export type { Finding, HostFacts, ProviderKind } from '../core/shared-types.js';

/** What a cell needs: the VMs of one configuration row, or N instances on a bare-metal host. */
export type TargetRequest =
  | { target: 'vm'; configuration: string; vms: number; vcpus: number; memoryGB: number; settings?: VmSettings }
  | { target: 'baremetal'; configuration: string; instances: number; host?: string };

export interface LaunchOptions {
  /** Label for messages and results (e.g. `vm-c3-1`, `baremetal#2`). */
  label: string;
}

/** One place to run one agent (a VM, or one instance slot on a bare-metal host). */
export interface Target {
  name: string;
  /** Host the target runs on (ESXi host for a VM, the machine for bare metal). */
  host: string;
  /** Address agents are reached at (undefined: this machine). */
  address?: string;
  vcpus: number;
  memoryGB: number;
  /** CPUs the instance is pinned to, when pinned. */
  cpus?: number[];
  /** Facts worth a line in results: overcommit, limits that could not be enforced, moves. */
  notes: string[];
  /** A vSphere VM's placement and settings as read back (recorded per instance in results). */
  vm?: VmRecord;
  /** Makes a local model file available to the target; returns the path the agent loads. */
  stageModel(localPath: string, sha256: string): Promise<string>;
  /** Starts one agent process on the target. */
  launch(options: LaunchOptions): Promise<AgentChannel>;
  /**
   * Optional: called once after the cell's workload; re-checks what can change during a cell
   * (a VM moved to another ESXi host) and appends to `notes`. Read `notes` after calling it.
   */
  afterCell?(): Promise<void>;
}

export interface ProviderContext {
  runId: string;
  log: Logger;
  signal?: AbortSignal;
}

export interface Provider {
  readonly kind: ProviderKind;
  /** Checks for `vharness plan`: capacity, templates, placement. No side effects. */
  preflight(requests: TargetRequest[], ctx: ProviderContext): Promise<Finding[]>;
  /** Targets for one cell, ready to launch agents (VMs provisioned/reused, agent deployed). */
  acquire(request: TargetRequest, ctx: ProviderContext): Promise<Target[]>;
  /** Host facts for the run manifest (one per host reached). */
  facts(ctx: ProviderContext): Promise<HostFacts[]>;
  /** Optional: where each configuration's VMs go and whether they fit (vSphere); shown by `plan`. */
  placement?(requests: TargetRequest[], ctx: ProviderContext): Promise<ConfigurationPlacement[]>;
  /** Ends the provider's work for the run (teardown policy, connections); runs once. */
  shutdown(outcome: 'success' | 'failure' | 'interrupted', ctx: ProviderContext): Promise<void>;
  /**
   * Optional: why the provider stopped asking its backend in this run (vCenter unreachable,
   * login refused); its later cells fail at once with that reason.
   */
  unavailable?(): VharnessError | undefined;
}
