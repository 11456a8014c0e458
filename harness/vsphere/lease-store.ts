// The lease store: one file per VM vharness created or uses on a vCenter, in a stable place
// per vCenter (not the current directory), so every run and `vms list` on this machine sees
// the same VMs. An entry is written BEFORE the clone call and removed only after the VM is
// destroyed, so an interrupt at any moment leaves no VM untracked. A VM is claimed by one
// live run at a time (see run-heartbeat.ts): a claim is an exclusive create, or a takeover
// of a dead run's entry under a per-VM lock directory; every write is temp file + rename,
// so concurrent writers never lose each other's entries.
import { mkdir, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { VsphereError } from '../errors.js';

export interface Lease {
  /** VM name (unique per vCenter for vharness VMs). */
  name: string;
  /** vCenter host:port. */
  vcenter: string;
  /** The run that last claimed the VM (the same id as its ownership note). */
  runId: string;
  owner: string;
  configuration: string;
  expires: string;
  /** `creating`: the clone call may or may not have happened; `created`: the VM exists. */
  state: 'creating' | 'created';
  /** MoRef value once known. */
  moref?: string;
  createdAt: string;
}

/** Overrides where lease stores live (tests set it to their own directory). */
export const STATE_DIR_ENV = 'VHARNESS_STATE_DIR';

/** `$VHARNESS_STATE_DIR/<vcenter>`, else `$XDG_STATE_HOME/vharness/<vcenter>` (default ~/.local/state). */
export function leaseStoreDir(vcenter: string, env: NodeJS.ProcessEnv = process.env): string {
  const safe = vcenter.replace(/[^A-Za-z0-9._-]/g, '_');
  const base = env[STATE_DIR_ENV] || join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'vharness');
  return join(base, safe);
}

/** A VM claimed by another run that is still alive. */
export class VmInUseError extends VsphereError {
  readonly vm: string;
  readonly runId: string;
  constructor(vm: string, runId: string, detail: string) {
    super(`VM ${vm} is in use by run ${runId} (${detail}); vharness will not touch it`, { hint: `wait for run ${runId} to end, or change vm.namePattern to use other VMs` });
    this.vm = vm;
    this.runId = runId;
  }
}

/** Tells whether a run is alive (its heartbeat is fresh); with a reason for messages. */
export type LivenessCheck = (runId: string) => Promise<{ live: boolean; detail: string }>;

const LOCK_STALE_MS = 30_000;

function code(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : '';
}

export class LeaseStore {
  readonly dir: string;
  readonly vcenter: string;
  private readonly leaseDir: string;

  constructor(dir: string, vcenter: string) {
    this.dir = dir;
    this.vcenter = vcenter;
    this.leaseDir = join(dir, 'leases');
  }

  /** The store of `vcenter` in its default place (see leaseStoreDir). */
  static forVcenter(vcenter: string, env: NodeJS.ProcessEnv = process.env): LeaseStore {
    return new LeaseStore(leaseStoreDir(vcenter, env), vcenter);
  }

  private file(name: string): string {
    return join(this.leaseDir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  }

  /** Every lease in the store. */
  async list(): Promise<Lease[]> {
    const names = await readdir(this.leaseDir).catch((error: unknown) => {
      if (code(error) === 'ENOENT') return [] as string[];
      throw new VsphereError(`cannot read the lease store ${this.leaseDir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    const out: Lease[] = [];
    for (const n of names.filter((f) => f.endsWith('.json')).sort()) {
      const lease = await this.readFile(join(this.leaseDir, n));
      if (lease) out.push(lease);
    }
    return out;
  }

  async get(name: string): Promise<Lease | undefined> {
    return this.readFile(this.file(name));
  }

  /** Writes the lease of `lease.name` (atomically: temp file + rename). */
  async put(lease: Lease): Promise<void> {
    await mkdir(this.leaseDir, { recursive: true });
    const path = this.file(lease.name);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, `${JSON.stringify(lease, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, path);
  }

  /** Updates fields of an existing lease (no-op when absent). */
  async update(name: string, patch: Partial<Lease>): Promise<void> {
    const lease = await this.get(name);
    if (lease) await this.put({ ...lease, ...patch });
  }

  async remove(name: string): Promise<void> {
    await unlink(this.file(name)).catch((error: unknown) => {
      if (code(error) !== 'ENOENT') throw error;
    });
  }

  /**
   * Claims `lease.name` for `lease.runId`: a new entry, an entry of the same run, or the entry
   * of a run that is no longer alive. Throws VmInUseError when a live run holds it.
   * Returns the previous entry (undefined when there was none).
   */
  async claim(lease: Lease, isLive: LivenessCheck): Promise<Lease | undefined> {
    await mkdir(this.leaseDir, { recursive: true });
    const path = this.file(lease.name);
    try {
      await writeFile(path, `${JSON.stringify(lease, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return undefined;
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    return this.withLock(lease.name, async () => {
      const previous = await this.get(lease.name);
      if (previous && previous.runId !== lease.runId) {
        const other = await isLive(previous.runId);
        if (other.live) throw new VmInUseError(lease.name, previous.runId, other.detail);
      }
      // Keep what the store knows of the VM itself (created, its MoRef, first creation).
      const merged: Lease = previous ? { ...lease, state: previous.state === 'created' ? 'created' : lease.state, createdAt: previous.createdAt } : lease;
      if (previous?.moref !== undefined && merged.moref === undefined) merged.moref = previous.moref;
      await this.put(merged);
      return previous;
    });
  }

  // A per-VM lock directory (mkdir is atomic) around read-check-write of a takeover.
  private async withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    const lock = `${this.file(name)}.lock`;
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(lock);
        break;
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > LOCK_STALE_MS) await rmdir(lock).catch(() => undefined);
        else if (attempt > 500) throw new VsphereError(`lease of ${name} stays locked (${lock}); remove the directory if no vharness runs`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    try {
      return await work();
    } finally {
      await rmdir(lock).catch(() => undefined);
    }
  }

  private async readFile(path: string): Promise<Lease | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw new VsphereError(`cannot read lease ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      const lease = JSON.parse(text) as Lease;
      if (typeof lease.name !== 'string' || typeof lease.runId !== 'string') throw new Error('no name or runId');
      return lease;
    } catch (error) {
      throw new VsphereError(`lease ${path} is not valid: ${error instanceof Error ? error.message : String(error)}`, { cause: error, hint: 'fix or remove the file; it records a VM vharness created' });
    }
  }
}
