// What running one cell needs from the run around it.
import type { Precision, SysInfo } from '../../agent/protocol.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Provider, ProviderContext } from '../providers/provider.js';

export interface StagedModel {
  path: string;
  sha256: string;
}

export interface CellContext {
  config: Config;
  models: Partial<Record<Precision, StagedModel>>;
  provider: Provider;
  providerCtx: ProviderContext;
  log: Logger;
  signal?: AbortSignal;
  /** Reports the phase the cell is in (progress line). */
  onPhase(phase: string): void;
  /** An agent's steps done of the phase's total (progress bar). */
  onSteps?(phase: string, done: number, total: number | null): void;
  /** Records an agent's sysinfo for the manifest's host facts. */
  onSysinfo(instance: string, host: string, sysinfo: SysInfo): void;
}
