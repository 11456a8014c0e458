// The local provider: CPU partitions, overcommit notes, and (where cgroup v1 memory is
// writable, as in the lab) a real agent started inside a memory-limited, pinned partition.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../harness/log.js';
import { LocalProvider, partitionCpus } from '../../../harness/providers/local.js';
import { AgentSession } from '../../../harness/transport/session.js';

const ctx = { runId: `test-${process.pid}`, log: silentLogger };

describe('partitionCpus', () => {
  it('deals dedicated CPUs, wrapping when overcommitted', () => {
    assert.deepEqual(partitionCpus([0, 1, 2, 3], 2, 2), [[0, 1], [2, 3]]);
    assert.deepEqual(partitionCpus([4, 5], 2, 1), [[4], [5]]);
    assert.deepEqual(partitionCpus([0, 1], 3, 1), [[0], [1], [0]]);
    assert.deepEqual(partitionCpus([0, 1], 1, 4), [[0, 1]]);
  });
});

describe('LocalProvider', () => {
  it('flags CPU and memory overcommit and places every VM', async () => {
    const provider = new LocalProvider({ memoryLimits: false }, { machineCpus: [0, 1], machineMemoryBytes: 4 * 2 ** 30 });
    const findings = await provider.preflight([{ target: 'vm', configuration: '2', vms: 2, vcpus: 2, memoryGB: 3 }]);
    const text = findings.map((f) => `${f.level}: ${f.message}`).join('\n');
    assert.match(text, /info: config 2: vm-c2-1 cpus 0-1, vm-c2-2 cpus 0-1; 3 GB each/);
    assert.match(text, /warn: config 2: CPU overcommit: 4 vCPUs on 2 CPUs/);
    assert.match(text, /warn: config 2: memory overcommit: 6 GB on 4.0 GB/);
    assert.match(text, /warn: memory limit not enforced: memory limits disabled/);
    const targets = await provider.acquire({ target: 'vm', configuration: '2', vms: 2, vcpus: 1, memoryGB: 1 }, ctx);
    assert.deepEqual(targets.map((t) => [t.name, t.cpus]), [['vm-c2-1', [0]], ['vm-c2-2', [1]]]);
    assert.ok(targets[0]?.notes.some((n) => /memory limit not enforced/.test(n)));
    const bm = await provider.acquire({ target: 'baremetal', configuration: '2', instances: 3 }, ctx);
    assert.deepEqual(bm.map((t) => [t.name, t.cpus, t.vcpus]), [['bm-1', undefined, 2], ['bm-2', undefined, 2], ['bm-3', undefined, 2]]);
    assert.equal(await bm[0]?.stageModel('/models/x.onnx', 'abc'), '/models/x.onnx');
  });

  it('rejects inventory CPUs this process cannot use', () => {
    assert.throws(() => new LocalProvider({ memoryLimits: true, cpus: [0, 9] }, { machineCpus: [0, 1], source: { file: 'inv.yaml', section: 'vm' } }), /inv\.yaml: vm\.cpus: CPUs 9 are not available/);
  });

  const cgroupRoot = '/sys/fs/cgroup/memory';
  const writable = existsSync(`${cgroupRoot}/memory.limit_in_bytes`) && process.getuid?.() === 0;
  it('runs a VM agent pinned and memory-limited, and removes its cgroup', { skip: !writable && 'cgroup v1 memory not writable here' }, async () => {
    const provider = new LocalProvider({ memoryLimits: true });
    const [vm] = await provider.acquire({ target: 'vm', configuration: 't', vms: 1, vcpus: 1, memoryGB: 0.5 }, ctx);
    assert.ok(vm);
    assert.ok(!vm.notes.some((n) => /not enforced/.test(n)), vm.notes.join());
    const session = new AgentSession(await vm.launch({ label: 'vm-t-1' }));
    const hello = await session.request('hello', {}, { timeoutMs: 30000 });
    await session.close();
    assert.equal(hello.sysinfo.cgroup.memoryLimitBytes, 0.5 * 2 ** 30);
    if (availableParallelism() >= 1) assert.deepEqual(hello.sysinfo.affinity, vm.cpus);
    await provider.shutdown();
    assert.equal(existsSync(`${cgroupRoot}/vharness/${ctx.runId}`), false);
  });
});
