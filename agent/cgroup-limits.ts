// The cgroup limits that bound this process (v1 or v2): cpuset, CPU quota, memory limit.
// A VM-sized local instance is a cgroup, so these say what the instance really had.
import { posix } from 'node:path';
import type { CgroupLimits } from './protocol.js';

/** Reads a file's text, or undefined when it does not exist or cannot be read. */
export type ReadText = (path: string) => string | undefined;

interface Mount {
  /** Path inside the cgroup hierarchy that is mounted (usually "/"). */
  root: string;
  mountPoint: string;
  version: 1 | 2;
  /** v1 controllers of the hierarchy (e.g. cpu, cpuacct); empty for v2. */
  controllers: string[];
}

// v1 reports "unlimited" memory as a page-rounded LONG_MAX; anything this large means no limit.
const UNLIMITED_BYTES = 2 ** 60;

/** Parses /proc/self/mountinfo lines of cgroup / cgroup2 filesystems. */
export function parseCgroupMounts(mountinfo: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const [fstype, , superOptions] = right.split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (root === undefined || mountPoint === undefined) continue;
    if (fstype === 'cgroup2') mounts.push({ root, mountPoint, version: 2, controllers: [] });
    else if (fstype === 'cgroup') mounts.push({ root, mountPoint, version: 1, controllers: (superOptions ?? '').split(',') });
  }
  return mounts;
}

/** Parses /proc/self/cgroup into controller -> path ('' is the v2 unified hierarchy). */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const controllers = m[1] ?? '';
    const path = m[2] ?? '/';
    if (controllers === '') paths.set('', path);
    for (const c of controllers.split(',')) if (c !== '') paths.set(c, path);
  }
  return paths;
}

/** The cgroup directories of a controller, from the process's own up to the mount root. */
function cgroupDirs(mount: Mount, cgroupPath: string, read: ReadText, probeFile: string): string[] {
  let relative = cgroupPath;
  if (mount.root !== '/' && relative.startsWith(mount.root)) relative = relative.slice(mount.root.length);
  let dir = posix.join(mount.mountPoint, relative);
  // In a container the path may name the host's hierarchy; then the mount root is ours.
  if (read(posix.join(dir, probeFile)) === undefined) dir = mount.mountPoint;
  const dirs = [dir];
  while (dir !== mount.mountPoint && dir.startsWith(mount.mountPoint)) {
    dir = posix.dirname(dir);
    dirs.push(dir);
  }
  return dirs;
}

function minDefined(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : Math.min(...present);
}

function readNumber(read: ReadText, path: string): number | null {
  const text = read(path)?.trim();
  if (text === undefined || text === '' || text === 'max') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Collects the limits from mountinfo and /proc/self/cgroup text plus a file reader. */
export function cgroupLimitsFrom(mountinfo: string, procCgroup: string, read: ReadText): CgroupLimits {
  const mounts = parseCgroupMounts(mountinfo);
  const paths = parseProcCgroup(procCgroup);
  const v1 = (controller: string): Mount | undefined => mounts.find((m) => m.version === 1 && m.controllers.includes(controller));
  const hasV1 = [...paths.keys()].some((k) => k !== '' && !k.startsWith('name=')) && mounts.some((m) => m.version === 1);
  const unified = mounts.find((m) => m.version === 2);
  const unifiedPath = paths.get('');

  if (hasV1) {
    const cpusetMount = v1('cpuset');
    const cpuMount = v1('cpu');
    const memoryMount = v1('memory');
    const cpuset = cpusetMount
      ? (read(posix.join(cgroupDirs(cpusetMount, paths.get('cpuset') ?? '/', read, 'cpuset.cpus')[0] ?? '/', 'cpuset.cpus'))?.trim() ?? null)
      : null;
    const quotas = cpuMount
      ? cgroupDirs(cpuMount, paths.get('cpu') ?? '/', read, 'cpu.cfs_quota_us').map((d) => {
          const quota = readNumber(read, posix.join(d, 'cpu.cfs_quota_us'));
          const period = readNumber(read, posix.join(d, 'cpu.cfs_period_us'));
          return quota === null || quota < 0 || period === null || period <= 0 ? null : quota / period;
        })
      : [];
    const memories = memoryMount
      ? cgroupDirs(memoryMount, paths.get('memory') ?? '/', read, 'memory.limit_in_bytes').map((d) => {
          const bytes = readNumber(read, posix.join(d, 'memory.limit_in_bytes'));
          return bytes === null || bytes >= UNLIMITED_BYTES ? null : bytes;
        })
      : [];
    return { version: 1, cpuset: cpuset === '' ? null : cpuset, cpuQuota: minDefined(quotas), memoryLimitBytes: minDefined(memories) };
  }
  if (unified && unifiedPath !== undefined) {
    const dirs = cgroupDirs(unified, unifiedPath, read, 'cgroup.controllers');
    const cpuset = read(posix.join(dirs[0] ?? unified.mountPoint, 'cpuset.cpus.effective'))?.trim() ?? null;
    const quotas = dirs.map((d) => {
      const [quota, period] = (read(posix.join(d, 'cpu.max')) ?? '').trim().split(/\s+/);
      if (quota === undefined || quota === 'max' || quota === '' || period === undefined) return null;
      const q = Number(quota);
      const p = Number(period);
      return Number.isFinite(q) && Number.isFinite(p) && p > 0 ? q / p : null;
    });
    const memories = dirs.map((d) => readNumber(read, posix.join(d, 'memory.max')));
    return { version: 2, cpuset: cpuset === '' ? null : cpuset, cpuQuota: minDefined(quotas), memoryLimitBytes: minDefined(memories) };
  }
  return { version: null, cpuset: null, cpuQuota: null, memoryLimitBytes: null };
}
