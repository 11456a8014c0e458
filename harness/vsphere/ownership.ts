// Which VMs vharness owns: a one-line note in the VM's annotation naming the tool, the owner,
// the last run that used it and when its lease expires. Only VMs carrying it are reused,
// reconfigured or destroyed.
export const OWNERSHIP_TAG = 'vharness-owned';

export interface Ownership {
  owner: string;
  runId: string;
  /** ISO time after which `vms destroy --expired` removes the VM. */
  expires: string;
  configuration: string;
  /** Pool address the VM was customized with (reused when it is powered on again). */
  ip?: string;
}

/** The annotation text (any other lines of a note are not kept: vharness owns the VM). */
export function formatOwnership(o: Ownership): string {
  return `${OWNERSHIP_TAG} owner=${o.owner} run=${o.runId} config=${o.configuration} expires=${o.expires}${o.ip === undefined ? '' : ` ip=${o.ip}`}`;
}

/** The ownership of an annotation, or undefined when vharness does not own the VM. */
export function parseOwnership(annotation: string | undefined): Ownership | undefined {
  if (!annotation) return undefined;
  const line = annotation.split(/\r?\n/).find((l) => l.startsWith(`${OWNERSHIP_TAG} `));
  if (!line) return undefined;
  const fields = new Map<string, string>();
  for (const part of line.slice(OWNERSHIP_TAG.length + 1).split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const owner = fields.get('owner');
  const runId = fields.get('run');
  const expires = fields.get('expires');
  if (owner === undefined || runId === undefined || expires === undefined) return undefined;
  const out: Ownership = { owner, runId, expires, configuration: fields.get('config') ?? '' };
  const ip = fields.get('ip');
  if (ip !== undefined) out.ip = ip;
  return out;
}

export function leaseExpired(o: Ownership, now: Date = new Date()): boolean {
  const t = Date.parse(o.expires);
  return Number.isFinite(t) && t <= now.getTime();
}
