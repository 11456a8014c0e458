// Clock offset between the controller and one agent from ping exchanges (pure):
// keep the min-RTT sample, offset = ((t1 - t0) + (t2 - t3)) / 2 (agent minus controller).

/** One ping: t0 controller send, t1 agent receive, t2 agent send, t3 controller receive (ns). */
export interface PingSample {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

export interface ClockEstimate {
  /** Agent clock minus controller clock, ns. */
  offsetNs: number;
  /** Round trip of the sample used, excluding the agent's processing time, ns. */
  rttNs: number;
  samples: number;
}

/** Round trip of one exchange minus the agent's own processing time. */
export function roundTrip(s: PingSample): number {
  return s.t3 - s.t0 - (s.t2 - s.t1);
}

/** The offset of the min-RTT sample; throws on an empty list. */
export function estimateOffset(samples: readonly PingSample[]): ClockEstimate {
  let best: PingSample | undefined;
  for (const s of samples) if (!best || roundTrip(s) < roundTrip(best)) best = s;
  if (!best) throw new Error('estimateOffset needs at least one ping sample');
  return { offsetNs: (best.t1 - best.t0 + (best.t2 - best.t3)) / 2, rttNs: roundTrip(best), samples: samples.length };
}

/** Maps a controller-clock instant to the agent's clock. */
export function toAgentClock(controllerNs: number, clock: Pick<ClockEstimate, 'offsetNs'>): number {
  return controllerNs + clock.offsetNs;
}

/** Maps an agent-clock instant to the controller's clock. */
export function toControllerClock(agentNs: number, clock: Pick<ClockEstimate, 'offsetNs'>): number {
  return agentNs - clock.offsetNs;
}
