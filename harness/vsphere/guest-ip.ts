// Waiting for a powered-on VM's guest to report an address inside the pool's CIDR (guest.net
// per NIC; addresses outside the CIDR, link-local or IPv6 are ignored), with a deadline whose
// failure names the VM.
import type { VimClient } from './client.js';
import { VsphereFault } from './fault.js';
import { cidrContains, type Cidr } from './ip-pool.js';
import type { MoRef } from './moref.js';
import { readVm, type VmInfo } from './vm-inventory.js';

export interface GuestIpOptions {
  /** Deadline (ms). */
  timeoutMs: number;
  /** First poll delay, doubling up to 2 s. @default 100 */
  initialDelayMs?: number;
  signal?: AbortSignal;
}

/** The first reported address of `vm` inside `cidr`, with the VM as read then (no second read needed). */
export async function waitForGuestIp(client: VimClient, vm: MoRef, name: string, cidr: Cidr, options: GuestIpOptions): Promise<{ address: string; info: VmInfo }> {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new VsphereFault({ fault: 'InvalidArgument', message: `Expected ipTimeoutMs to be a positive number, got ${options.timeoutMs}` });
  }
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 100;
  let seen: string[] = [];
  for (;;) {
    options.signal?.throwIfAborted();
    const info = await readVm(client, vm);
    seen = info.addresses;
    const address = info.addresses.find((a) => cidrContains(cidr, a));
    if (address) return { address, info };
    const left = deadline - Date.now();
    if (left <= 0) {
      const others = seen.length > 0 ? ` (it reports ${seen.join(', ')})` : '';
      throw new VsphereFault({ fault: 'Timeout', message: `VM ${name}: no guest IP in ${cidr.text} within ${options.timeoutMs} ms${others}`, object: vm });
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, left)));
    delay = Math.min(delay * 2, 2000);
  }
}
