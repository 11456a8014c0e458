// What the agent's machine and process look like: CPU, SIMD flags, topology, memory, affinity,
// cgroup limits, OS and runtime versions. Linux first; elsewhere the os module fills what it can.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import ort from './onnxruntime.js';
import { cgroupLimitsFrom } from './cgroup-limits.js';
import { parseCpuList } from './cpu-list.js';
import { parseCpuinfo } from './cpuinfo.js';
import type { SysInfo } from './protocol.js';
import { AGENT_VERSION } from './version.js';

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** CPUs this process may run on: Cpus_allowed_list of /proc/self/status, else all CPUs. */
export function processAffinity(statusText = readText('/proc/self/status')): number[] {
  const line = statusText?.split('\n').find((l) => l.startsWith('Cpus_allowed_list:'));
  if (line !== undefined) {
    try {
      return parseCpuList(line.slice('Cpus_allowed_list:'.length));
    } catch {
      // fall through to the os view
    }
  }
  return os.cpus().map((_, i) => i);
}

function numaNodes(): number {
  try {
    const nodes = readdirSync('/sys/devices/system/node').filter((n) => /^node\d+$/.test(n));
    return Math.max(1, nodes.length);
  } catch {
    return 1;
  }
}

function osName(): string {
  const release = readText('/etc/os-release');
  const pretty = release === undefined ? undefined : /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1];
  return pretty ?? `${os.type()} ${os.release()}`;
}

function onnxruntimeVersion(): string {
  const versions = ort.env.versions as Record<string, string | undefined>;
  return versions.node ?? versions.common ?? 'unknown';
}

/** Collects the SysInfo a `hello` answer carries. */
export function collectSysInfo(): SysInfo {
  const cpuinfoText = readText('/proc/cpuinfo');
  const cpus = os.cpus();
  const cpu = cpuinfoText === undefined ? undefined : parseCpuinfo(cpuinfoText);
  const mountinfo = readText('/proc/self/mountinfo');
  const procCgroup = readText('/proc/self/cgroup');
  return {
    hostname: os.hostname(),
    os: osName(),
    kernel: os.release(),
    arch: process.arch,
    cpuModel: cpu?.model || cpus[0]?.model || 'unknown',
    flags: cpu?.flags ?? { avx2: false, avx512f: false, avx512_vnni: false, avx_vnni: false, amx_int8: false },
    sockets: cpu?.sockets ?? 1,
    cores: cpu?.cores ?? cpus.length,
    threads: cpu?.threads || cpus.length,
    numaNodes: numaNodes(),
    memoryBytes: os.totalmem(),
    affinity: processAffinity(),
    cgroup:
      mountinfo === undefined || procCgroup === undefined
        ? { version: null, cpuset: null, cpuQuota: null, memoryLimitBytes: null }
        : cgroupLimitsFrom(mountinfo, procCgroup, readText),
    nodeVersion: process.versions.node,
    onnxruntimeVersion: onnxruntimeVersion(),
    agentVersion: AGENT_VERSION,
    virtualized: cpu?.hypervisor ?? false,
  };
}
