// Measures one agent's clock offset with ping exchanges over its session.
import type { AgentSession } from '../transport/session.js';
import { estimateOffset, type ClockEstimate, type PingSample } from './clock-offset.js';

/** The controller's monotonic clock, ns (same clock source the agent uses). */
export function controllerNowNs(): number {
  return Number(process.hrtime.bigint());
}

export interface ClockSyncOptions {
  /** Ping exchanges; the min-RTT one is kept. @default 10 (DESIGN.md asks for 8+) */
  pings?: number;
  /** Deadline per ping, ms. @default 5000 */
  timeoutMs?: number;
}

export async function syncClock(session: AgentSession, options: ClockSyncOptions = {}): Promise<ClockEstimate> {
  const pings = options.pings ?? 10;
  if (!Number.isInteger(pings) || pings < 8) throw new RangeError(`Expected pings to be an integer >= 8, got ${pings}`);
  const samples: PingSample[] = [];
  for (let i = 0; i < pings; i++) {
    const t0 = controllerNowNs();
    const pong = await session.request('ping', { t0 }, { timeoutMs: options.timeoutMs ?? 5000 });
    const t3 = controllerNowNs();
    samples.push({ t0, t1: pong.t1, t2: pong.t2, t3 });
  }
  return estimateOffset(samples);
}
