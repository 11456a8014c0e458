// The local lease file: every VM vharness is about to create is written here BEFORE the
// create call and removed only after it is destroyed, so an interrupt at any moment leaves
// no VM untracked (`vharness vms list` shows them, `vms destroy` removes them).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VsphereError } from '../errors.js';

export interface Lease {
  /** VM name (unique per vCenter for vharness-created VMs). */
  name: string;
  /** vCenter host:port. */
  vcenter: string;
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

interface LeaseDocument {
  version: 1;
  leases: Lease[];
}

export class LeaseFile {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  /** Every lease in the file. */
  async list(): Promise<Lease[]> {
    return (await this.read()).leases;
  }

  /** Adds or replaces the lease of `lease.name` on the same vCenter. */
  put(lease: Lease): Promise<void> {
    return this.change((leases) => [...leases.filter((l) => !(l.name === lease.name && l.vcenter === lease.vcenter)), lease]);
  }

  /** Updates fields of an existing lease (no-op when absent). */
  update(vcenter: string, name: string, patch: Partial<Lease>): Promise<void> {
    return this.change((leases) => leases.map((l) => (l.name === name && l.vcenter === vcenter ? { ...l, ...patch } : l)));
  }

  remove(vcenter: string, name: string): Promise<void> {
    return this.change((leases) => leases.filter((l) => !(l.name === name && l.vcenter === vcenter)));
  }

  // Writes are serialized inside the process and atomic on disk (temp file + rename).
  private change(edit: (leases: Lease[]) => Lease[]): Promise<void> {
    const next = this.queue.then(async () => {
      const doc = await this.read();
      const out: LeaseDocument = { version: 1, leases: edit(doc.leases) };
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.path);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async read(): Promise<LeaseDocument> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { version: 1, leases: [] };
      throw new VsphereError(`cannot read lease file ${this.path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      const doc = JSON.parse(text) as LeaseDocument;
      if (!Array.isArray(doc.leases)) throw new Error('no leases array');
      return doc;
    } catch (error) {
      throw new VsphereError(`lease file ${this.path} is not valid: ${error instanceof Error ? error.message : String(error)}`, { cause: error, hint: 'fix or move the file; it lists VMs vharness created' });
    }
  }
}
