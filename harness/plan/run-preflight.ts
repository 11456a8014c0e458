// The checks `plan` reports and `run` enforces before it creates anything: the inventory's
// secrets can be read, the model files are usable, and each provider's preflight (vCenter
// login and certificate, template, capacity...) found no error. Each error finding carries
// the exit code of its failure class.
import { resolve } from 'node:path';
import type { Precision } from '../../agent/protocol.js';
import { checkModelPath } from '../../model/model-file-limits.js';
import { isArchName } from '../../model/resnet-arch.js';
import type { Config, Inventory } from '../config/types.js';
import { asVharnessError, ExitCode, VharnessError } from '../errors.js';
import type { Finding, Provider, ProviderContext, ProviderKind, TargetRequest } from '../providers/provider.js';
import { inventorySecrets, readSecret } from '../secrets.js';
import type { Cell } from './cell.js';

/** A finding with what it concerns and, for errors, the exit code of its class. */
export interface PlanFinding extends Finding {
  target: 'vm' | 'baremetal' | 'model' | 'inventory';
  exitCode?: number;
  /** What to do about it (an error's hint). */
  hint?: string;
}

/** Exit codes of a provider's error findings (README: 6 SSH, 7 vSphere, 3 inventory). */
const providerExitCodes: Record<ProviderKind, number> = { vsphere: ExitCode.vsphere, ssh: ExitCode.ssh, baremetal: ExitCode.ssh, local: ExitCode.config };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error finding from a thrown error: its message, exit code and hint. */
function errorFinding(target: PlanFinding['target'], thrown: unknown, fallback: number): PlanFinding {
  const error = asVharnessError(thrown);
  const finding: PlanFinding = { level: 'error', target, message: messageOf(error), exitCode: error instanceof VharnessError ? error.exitCode : fallback };
  if (error instanceof VharnessError && error.hint !== undefined) finding.hint = error.hint;
  return finding;
}

/** The model files the cells would read (arch names are built, not read). */
export function modelPaths(config: Config, precisions: Precision[]): string[] {
  const paths = new Set<string>();
  const { arch, int8Path } = config.model;
  const archIsFile = !isArchName(arch);
  if (archIsFile && (precisions.includes('fp32') || (precisions.includes('int8') && int8Path === undefined))) paths.add(resolve(arch));
  if (int8Path !== undefined && precisions.includes('int8')) paths.add(resolve(int8Path));
  return [...paths];
}

async function secretFindings(inventory: Inventory): Promise<PlanFinding[]> {
  const out: PlanFinding[] = [];
  for (const { ref, what } of inventorySecrets(inventory)) {
    await readSecret(ref, what).catch((error: unknown) => out.push(errorFinding('inventory', error, ExitCode.config)));
  }
  return out;
}

async function modelFindings(config: Config, cells: Cell[]): Promise<PlanFinding[]> {
  const out: PlanFinding[] = [];
  for (const path of modelPaths(config, [...new Set(cells.map((c) => c.precision))])) {
    await checkModelPath(path).catch((error: unknown) => out.push(errorFinding('model', error, ExitCode.model)));
  }
  return out;
}

/** Secrets, model files, then each provider's preflight for the requests of its cells. */
export async function runPreflight(config: Config, inventory: Inventory, cells: Cell[], providers: Record<'vm' | 'baremetal', Provider>, ctx: ProviderContext): Promise<PlanFinding[]> {
  const findings = [...(await secretFindings(inventory)), ...(await modelFindings(config, cells))];
  // A provider that cannot read its secrets would only repeat the error.
  if (findings.some((f) => f.target === 'inventory')) return findings;
  const unique = (requests: TargetRequest[]): TargetRequest[] => [...new Map(requests.map((r) => [JSON.stringify(r), r])).values()];
  for (const target of ['vm', 'baremetal'] as const) {
    const requests = unique(cells.filter((c) => c.target === target).map((c) => c.request));
    if (requests.length === 0) continue;
    const provider = providers[target];
    const found = await provider.preflight(requests, ctx).catch((error: unknown): Finding[] => [{ level: 'error', message: messageOf(error) }]);
    for (const f of found) findings.push(f.level === 'error' ? { ...f, target, exitCode: providerExitCodes[provider.kind] } : { ...f, target });
  }
  return findings;
}

/** The exit code of the first error finding; 0 when there is none. */
export function preflightExitCode(findings: PlanFinding[]): number {
  const first = findings.find((f) => f.level === 'error');
  return first ? (first.exitCode ?? ExitCode.failure) : ExitCode.ok;
}

/** Thrown by `run` when preflight found errors (and --force was not given). */
export class PreflightError extends VharnessError {
  readonly findings: PlanFinding[];
  constructor(findings: PlanFinding[]) {
    const errors = findings.filter((f) => f.level === 'error');
    const hints = [...new Set(errors.map((f) => f.hint).filter((h) => h !== undefined))];
    super(`preflight found ${errors.length} error(s), nothing was created:\n${errors.map((f) => `  ${f.target}: ${f.message}`).join('\n')}`, preflightExitCode(findings) as ExitCode, {
      hint: [...hints, "see 'vharness plan'; --force runs anyway (not past unreadable secrets)"].join('\nhint: '),
    });
    this.findings = findings;
  }
}
