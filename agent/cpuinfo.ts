// CPU facts from /proc/cpuinfo text: model, the SIMD flags that decide fp32/int8 speed, topology.
import type { CpuFlags } from './protocol.js';

export interface CpuInfo {
  model: string;
  flags: CpuFlags;
  /** Distinct `physical id` values (1 when the field is absent). */
  sockets: number;
  /** Distinct (physical id, core id) pairs; the thread count when the fields are absent. */
  cores: number;
  /** Logical processors listed. */
  threads: number;
  /** The `hypervisor` flag: the kernel runs under a hypervisor. */
  hypervisor: boolean;
}

/** Parses /proc/cpuinfo (x86 layout; other layouts give what they have). */
export function parseCpuinfo(text: string): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  let model = '';
  let flagSet = new Set<string>();
  const sockets = new Set<string>();
  const cores = new Set<string>();
  for (const block of blocks) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    model ||= fields.get('model name') ?? fields.get('Model') ?? fields.get('cpu model') ?? '';
    if (flagSet.size === 0) flagSet = new Set((fields.get('flags') ?? fields.get('Features') ?? '').split(/\s+/).filter(Boolean));
    const socket = fields.get('physical id');
    const core = fields.get('core id');
    if (socket !== undefined) sockets.add(socket);
    if (core !== undefined) cores.add(`${socket ?? '0'}:${core}`);
  }
  const threads = blocks.length;
  return {
    model,
    flags: {
      avx2: flagSet.has('avx2'),
      avx512f: flagSet.has('avx512f'),
      avx512_vnni: flagSet.has('avx512_vnni'),
      avx_vnni: flagSet.has('avx_vnni'),
      amx_int8: flagSet.has('amx_int8'),
    },
    sockets: Math.max(1, sockets.size),
    cores: cores.size > 0 ? cores.size : threads,
    threads,
    hypervisor: flagSet.has('hypervisor'),
  };
}
