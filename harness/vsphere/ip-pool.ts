// The inventory's IP pool: a CIDR for filtering what guests report, and the addresses handed
// to cloned VMs (IPv4).
import { VsphereError } from '../errors.js';

export interface Cidr {
  text: string;
  network: number;
  prefix: number;
}

export function ipv4ToInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function parseCidr(text: string): Cidr {
  const [addr, bits] = text.split('/');
  const base = addr === undefined ? undefined : ipv4ToInt(addr);
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new VsphereError(`Expected ipPool.cidr to be an IPv4 CIDR like 10.0.0.0/24, got '${text}'`);
  }
  return { text, network: (base & mask(prefix)) >>> 0, prefix };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const n = ipv4ToInt(address);
  return n !== undefined && ((n & mask(cidr.prefix)) >>> 0) === cidr.network;
}

/** Dotted subnet mask of a prefix, e.g. 24 -> 255.255.255.0. */
export function subnetMask(prefix: number): string {
  const m = mask(prefix);
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
}
