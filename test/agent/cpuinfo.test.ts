import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCpuinfo } from '../../agent/cpuinfo.js';

const block = (processor: number, socket: number, core: number, flags: string) =>
  `processor\t: ${processor}\nmodel name\t: Intel(R) Xeon(R) Platinum 8380\nphysical id\t: ${socket}\ncore id\t\t: ${core}\nflags\t\t: ${flags}\n`;

describe('parseCpuinfo', () => {
  it('counts sockets, cores and threads and reads the SIMD flags', () => {
    const flags = 'fpu avx2 avx512f avx512_vnni hypervisor';
    const text = [block(0, 0, 0, flags), block(1, 0, 0, flags), block(2, 0, 1, flags), block(3, 1, 0, flags)].join('\n');
    const info = parseCpuinfo(text);
    assert.equal(info.model, 'Intel(R) Xeon(R) Platinum 8380');
    assert.equal(info.sockets, 2);
    assert.equal(info.cores, 3);
    assert.equal(info.threads, 4);
    assert.deepEqual(info.flags, { avx2: true, avx512f: true, avx512_vnni: true, avx_vnni: false, amx_int8: false });
    assert.equal(info.hypervisor, true);
  });
  it('falls back to threads when topology fields are missing', () => {
    const info = parseCpuinfo('processor : 0\nflags : sse2\n\nprocessor : 1\nflags : sse2\n');
    assert.equal(info.sockets, 1);
    assert.equal(info.cores, 2);
    assert.equal(info.threads, 2);
    assert.equal(info.flags.avx2, false);
    assert.equal(info.hypervisor, false);
  });
});
