import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../harness/config/load.js';
import { expandCells } from '../../../harness/plan/expand.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

describe('expandCells on configs/table3.yaml', () => {
  it('yields the paper matrix', async () => {
    const config = await loadConfig(`${root}configs/table3.yaml`);
    const cells = expandCells(config);
    const count = (kind: string, target?: string) => cells.filter((c) => c.kind === kind && (target === undefined || c.target === target)).length;
    // per precision: latency 1 VM + 1 BM; throughput 1 + 1; scaling 8 + 8; multistream 1 + 1
    assert.equal(count('latency'), 4);
    assert.equal(count('throughput'), 4);
    assert.equal(count('scaling', 'vm'), 16);
    assert.equal(count('scaling', 'baremetal'), 16);
    assert.equal(count('multistream'), 4);
    // Beyond the study: server and offline on config 2, the 2 VMs vs one bare-metal instance on all 96 vCPUs.
    assert.equal(count('server'), 4);
    assert.equal(count('offline'), 4);
    assert.equal(cells.length, 52);
    const server = cells.find((c) => c.key === 'server/int8/baremetal/c2');
    assert.deepEqual([server?.instances, server?.threads], [1, 96]);
    assert.equal(new Set(cells.map((c) => c.key)).size, cells.length, 'keys are unique');

    const latency = cells.find((c) => c.key === 'latency/fp32/vm/c1');
    assert.equal(latency?.vcpus, 48);
    assert.equal(latency?.threads, undefined, 'latency threads are tuned');
    assert.deepEqual(latency?.measure, { warmup: 250, steps: 500, repeats: 5 });

    const throughput = cells.find((c) => c.key === 'throughput/int8/vm/c2');
    assert.equal(throughput?.instances, 2);
    assert.equal(throughput?.batch, 1024);
    assert.equal(throughput?.threads, 48);

    const scaling8 = cells.find((c) => c.key === 'scaling/int8/vm/c10');
    assert.equal(scaling8?.instances, 8);
    assert.equal(scaling8?.vcpus, 12);
    const bm8 = cells.find((c) => c.key === 'scaling/int8/baremetal/n8');
    assert.equal(bm8?.instances, 8);
    assert.equal(bm8?.configuration, '10');
    assert.deepEqual(bm8?.request, { target: 'baremetal', configuration: '10', instances: 8 });

    const ms = cells.find((c) => c.key === 'multistream/fp32/baremetal/c2');
    assert.equal(ms?.instances, 1, 'bare metal multistream is one instance on the whole server');
    assert.equal(ms?.threads, 96);
    assert.equal(ms?.workload.kind === 'multistream' && ms.workload.boundMs, 33.3);
  });

  it('filters by workload and precision', async () => {
    const config = await loadConfig(`${root}configs/table3.yaml`);
    const cells = expandCells(config, { only: ['scaling'], precisions: ['int8'] });
    assert.equal(cells.length, 16);
    assert.ok(cells.every((c) => c.kind === 'scaling' && c.precision === 'int8'));
  });
});
