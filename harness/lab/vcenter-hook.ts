// The bridge from `vharness lab up --vcenter` to the vCenter simulator (harness/lab/vcsim.ts,
// owned by the vSphere work): loaded dynamically so the lab works without it.
import { ExitCode, VharnessError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LabState } from './state.js';

/**
 * What the lab hands the simulator: where the guests are and how to reach them. No `user`
 * or `password`: those name the simulator's vCenter login, which keeps its own defaults.
 */
export interface LabVcenterOptions {
  guests: { name: string; address: string; port: number }[];
  sshUser: string;
  clientKey: string;
  knownHosts: string;
  log: Logger;
}

interface VcsimModule {
  startVcenterSim(labDir: string, opts: LabVcenterOptions): Promise<unknown>;
  stopVcenterSim(state: unknown): Promise<void>;
}

async function loadVcsim(): Promise<VcsimModule> {
  try {
    const module = (await import(new URL('./vcsim.js', import.meta.url).href)) as Partial<VcsimModule>;
    if (typeof module.startVcenterSim !== 'function' || typeof module.stopVcenterSim !== 'function') {
      throw new VharnessError('harness/lab/vcsim.js does not export startVcenterSim/stopVcenterSim', ExitCode.failure);
    }
    return module as VcsimModule;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes('vcsim.js')) {
      throw new VharnessError('--vcenter: the vCenter simulator is not part of this build (harness/lab/vcsim.ts is missing)', ExitCode.usage, { cause: error });
    }
    throw error;
  }
}

/** Starts the simulator for a lab that is up; returns its JSON-serializable state. */
export async function startLabVcenter(state: LabState, log: Logger): Promise<unknown> {
  const vcsim = await loadVcsim();
  return vcsim.startVcenterSim(state.dir, {
    guests: state.guests.map((g) => ({ name: g.name, address: g.address, port: g.port })),
    sshUser: state.user,
    clientKey: state.clientKey,
    knownHosts: state.knownHosts,
    log,
  });
}

/** Stops the simulator recorded in the lab state. */
export async function stopLabVcenter(vcenterState: unknown): Promise<void> {
  const vcsim = await loadVcsim();
  await vcsim.stopVcenterSim(vcenterState);
}
