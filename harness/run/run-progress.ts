// The progress line of a run on a terminal: a bar of the cells done (plus the share of the
// current cell measured so far), the cell and its phase with the agents' steps done/total, and
// an ETA that moves within a cell (estimates rescaled by how long finished cells really took).

export interface RunProgressOptions {
  /** Estimated seconds of each cell still to run, in order. */
  estimates: readonly number[];
  /** Width of the bar in characters. @default 20 */
  barWidth?: number;
  now?: () => number;
}

export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class RunProgress {
  private readonly estimates: readonly number[];
  private readonly barWidth: number;
  private readonly now: () => number;
  private index = -1;
  private key = '';
  private phase = '';
  private steps: { done: number; total: number | null } | undefined;
  private cellStarted = 0;
  private estimatedDone = 0;
  private actualDone = 0;

  constructor(options: RunProgressOptions) {
    this.estimates = options.estimates;
    this.barWidth = options.barWidth ?? 20;
    this.now = options.now ?? Date.now;
  }

  startCell(index: number, key: string): void {
    this.index = index;
    this.key = key;
    this.phase = '';
    this.steps = undefined;
    this.cellStarted = this.now();
  }

  /** The cell finished: its real duration rescales the estimates of the cells after it. */
  endCell(): void {
    this.actualDone += (this.now() - this.cellStarted) / 1000;
    this.estimatedDone += this.estimates[this.index] ?? 0;
  }

  /** Names the cell at work without restarting the timing (cells of a group run interleaved). */
  setCell(key: string): void {
    this.key = key;
  }

  setPhase(phase: string): void {
    if (phase !== this.phase) this.steps = undefined;
    this.phase = phase;
  }

  /** Steps done of the phase's total (an agent's progress event). */
  setSteps(phase: string, done: number, total: number | null): void {
    this.setPhase(phase);
    this.steps = { done, total };
  }

  /** Share of the current cell done, as far as the steps tell (0 before the measured steps). */
  private cellFraction(): number {
    if (!this.steps || this.steps.total === null || this.steps.total <= 0 || this.phase !== 'measure') return 0;
    return Math.min(1, this.steps.done / this.steps.total);
  }

  /** Seconds left: the current cell's estimate minus its time so far, plus the cells after it. */
  etaSeconds(): number {
    const scale = this.estimatedDone > 0 && this.actualDone > 0 ? this.actualDone / this.estimatedDone : 1;
    const current = (this.estimates[this.index] ?? 0) * scale;
    const currentLeft = Math.max(0, current - (this.now() - this.cellStarted) / 1000);
    const later = this.estimates.slice(this.index + 1).reduce((s, e) => s + e, 0) * scale;
    return currentLeft + later;
  }

  render(): string {
    const total = this.estimates.length;
    const done = Math.max(0, this.index) + this.cellFraction();
    const filled = total === 0 ? 0 : Math.min(this.barWidth, Math.floor((done / total) * this.barWidth));
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(this.barWidth - filled)}]`;
    const steps = this.steps ? ` ${this.steps.done}${this.steps.total === null ? '' : `/${this.steps.total}`}` : '';
    return `${bar} ${this.index + 1}/${total} ${this.key}: ${this.phase}${steps}  ETA ${formatEta(this.etaSeconds())}`;
  }
}
