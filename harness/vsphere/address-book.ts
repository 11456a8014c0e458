// Hands out IP pool addresses: an address is taken when a powered-on VM reports it or when it
// was handed out earlier by this process.
import { VsphereError } from '../errors.js';

export class AddressBook {
  private readonly pool: readonly string[];
  private readonly taken = new Map<string, string>();

  constructor(pool: readonly string[]) {
    this.pool = pool;
  }

  /** Marks an address as used by `holder` (a VM name). */
  hold(address: string, holder: string): void {
    this.taken.set(address, holder);
  }

  release(address: string, holder: string): void {
    if (this.taken.get(address) === holder) this.taken.delete(address);
  }

  holderOf(address: string): string | undefined {
    return this.taken.get(address);
  }

  /** A free address for `holder`: `preferred` when free (or already its own), else the first free one. */
  take(holder: string, preferred?: string): string {
    if (preferred !== undefined && this.pool.includes(preferred)) {
      const current = this.taken.get(preferred);
      if (current === undefined || current === holder) {
        this.taken.set(preferred, holder);
        return preferred;
      }
    }
    const free = this.pool.find((a) => !this.taken.has(a));
    if (free === undefined) {
      const users = [...new Set(this.taken.values())].join(', ');
      throw new VsphereError(`vm.ipPool: all ${this.pool.length} addresses are in use (by ${users}); add addresses or remove VMs (vharness vms destroy)`);
    }
    this.taken.set(free, holder);
    return free;
  }
}
