// The agents of one cell: launched on their targets, greeted, clock-synced; and closed again.
import type { SysInfo } from '../../agent/protocol.js';
import type { Target } from '../providers/provider.js';
import { AgentSession } from '../transport/session.js';
import type { ClockEstimate } from './clock-offset.js';
import { syncClock } from './clock-sync.js';
import { Timeouts } from './timeouts.js';

/** One running agent of a cell. */
export interface Instance {
  name: string;
  target: Target;
  session: AgentSession;
  clock: ClockEstimate;
  sysinfo: SysInfo;
}

/** Why one instance could not be opened. */
export class InstanceFailure extends Error {
  readonly instance: string;
  constructor(instance: string, message: string, options?: { cause?: unknown }) {
    super(`${instance}: ${message}`, options);
    this.instance = instance;
  }
}

async function openOne(target: Target, label: string): Promise<Instance> {
  const channel = await target.launch({ label });
  const session = new AgentSession(channel);
  try {
    const hello = await session.request('hello', {}, { timeoutMs: Timeouts.hello });
    const clock = await syncClock(session);
    return { name: target.name, target, session, clock, sysinfo: hello.sysinfo };
  } catch (error) {
    await channel.destroy();
    throw error;
  }
}

/** Opens an agent on every target; if any fails, closes the others and throws InstanceFailure. */
export async function openInstances(targets: Target[], cellKey: string): Promise<Instance[]> {
  const settled = await Promise.allSettled(targets.map((t) => openOne(t, `${cellKey}:${t.name}`)));
  const opened = settled.filter((s): s is PromiseFulfilledResult<Instance> => s.status === 'fulfilled').map((s) => s.value);
  const index = settled.findIndex((s) => s.status === 'rejected');
  if (index >= 0) {
    await closeInstances(opened);
    const reason = (settled[index] as PromiseRejectedResult).reason as unknown;
    const name = targets[index]?.name ?? `#${index}`;
    throw new InstanceFailure(name, reason instanceof Error ? reason.message : String(reason), { cause: reason });
  }
  return opened;
}

export async function closeInstances(instances: Instance[]): Promise<void> {
  await Promise.all(instances.map((i) => i.session.close(Timeouts.close).catch(() => undefined)));
}
