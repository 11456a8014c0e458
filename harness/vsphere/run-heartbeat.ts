// Which runs are alive: a run that uses vSphere VMs writes `runs/<run-id>.json` in the lease
// store (pid, host, owner, time) and rewrites it every few seconds; it removes it when it
// ends. A run is alive when its file is fresh and, on this machine, its pid still runs. A
// killed run's claims therefore lapse by themselves.
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LivenessCheck } from './lease-store.js';
import { processAlive } from '../process-alive.js';

/** How often a live run rewrites its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A heartbeat older than this is dead (several missed beats). */
export const HEARTBEAT_STALE_MS = 30_000;

interface Beat {
  runId: string;
  pid: number;
  host: string;
  owner: string;
  at: string;
}

export class RunHeartbeat {
  private readonly file: string;
  private readonly beat: Beat;
  private timer: NodeJS.Timeout | undefined;

  constructor(storeDir: string, runId: string, owner: string) {
    this.file = heartbeatFile(storeDir, runId);
    this.beat = { runId, pid: process.pid, host: hostname(), owner, at: '' };
  }

  /** Writes the first beat (awaited: claims follow it) and keeps beating until stop(). */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.write();
    this.timer = setInterval(() => void this.write().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await unlink(this.file).catch(() => undefined);
  }

  private async write(): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ ...this.beat, at: new Date().toISOString() }), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

function heartbeatFile(storeDir: string, runId: string): string {
  return join(storeDir, 'runs', `${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/** The liveness check of runs in the store at `storeDir`. */
export function runLiveness(storeDir: string, now: () => number = Date.now): LivenessCheck {
  return async (runId) => {
    let beat: Beat;
    try {
      beat = JSON.parse(await readFile(heartbeatFile(storeDir, runId), 'utf8')) as Beat;
    } catch {
      return { live: false, detail: 'no heartbeat' };
    }
    const age = now() - Date.parse(beat.at);
    const where = `pid ${beat.pid} on ${beat.host}, owner ${beat.owner}, heartbeat ${Math.round(age / 1000)} s ago`;
    if (!(age <= HEARTBEAT_STALE_MS)) return { live: false, detail: `stale heartbeat (${where})` };
    if (beat.host === hostname() && !processAlive(beat.pid)) return { live: false, detail: `process gone (${where})` };
    return { live: true, detail: where };
  };
}
