import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cgroupLimitsFrom, parseProcCgroup } from '../../agent/cgroup-limits.js';

const reader = (files: Record<string, string>) => (path: string) => files[path];

describe('cgroup limits', () => {
  it('reads v1 cpuset, cpu quota and the smallest memory limit up the tree', () => {
    const mountinfo = [
      '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
      '34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset',
      '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    ].join('\n');
    const procCgroup = '4:memory:/vh/i0\n3:cpuset:/vh/i0\n2:cpu,cpuacct:/vh/i0\n0::/\n';
    const limits = cgroupLimitsFrom(
      mountinfo,
      procCgroup,
      reader({
        '/sys/fs/cgroup/cpuset/vh/i0/cpuset.cpus': '2-3\n',
        '/sys/fs/cgroup/cpu,cpuacct/vh/i0/cpu.cfs_quota_us': '200000\n',
        '/sys/fs/cgroup/cpu,cpuacct/vh/i0/cpu.cfs_period_us': '100000\n',
        '/sys/fs/cgroup/memory/vh/i0/memory.limit_in_bytes': '9223372036854771712\n',
        '/sys/fs/cgroup/memory/vh/memory.limit_in_bytes': '4294967296\n',
        '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
      }),
    );
    assert.deepEqual(limits, { version: 1, cpuset: '2-3', cpuQuota: 2, memoryLimitBytes: 4294967296 });
  });

  it('reads v2 cpu.max and memory.max, "max" meaning unlimited', () => {
    const limits = cgroupLimitsFrom(
      '30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw',
      '0::/user.slice/job\n',
      reader({
        '/sys/fs/cgroup/user.slice/job/cgroup.controllers': 'cpu memory',
        '/sys/fs/cgroup/user.slice/job/cpuset.cpus.effective': '0-7',
        '/sys/fs/cgroup/user.slice/job/cpu.max': 'max 100000',
        '/sys/fs/cgroup/user.slice/cpu.max': '150000 100000',
        '/sys/fs/cgroup/user.slice/job/memory.max': 'max',
      }),
    );
    assert.deepEqual(limits, { version: 2, cpuset: '0-7', cpuQuota: 1.5, memoryLimitBytes: null });
  });

  it('says nothing when no cgroup is mounted', () => {
    assert.deepEqual(cgroupLimitsFrom('', '', reader({})), { version: null, cpuset: null, cpuQuota: null, memoryLimitBytes: null });
  });

  it('maps every controller of a combined hierarchy', () => {
    const paths = parseProcCgroup('2:cpu,cpuacct:/a\n0::/b\n');
    assert.equal(paths.get('cpu'), '/a');
    assert.equal(paths.get('cpuacct'), '/a');
    assert.equal(paths.get(''), '/b');
  });
});
