// The problems found in one file, collected so that a user sees all of them at once (schema
// and semantic), in file order, instead of fixing them one run at a time.
import { ConfigError, ConfigErrors } from '../errors.js';

export class Problems {
  private readonly found: ConfigError[] = [];

  constructor(initial: readonly ConfigError[] = []) {
    for (const problem of initial) this.add(problem);
  }

  /** Records a problem (the same message twice counts once). */
  add(problem: ConfigError): void {
    if (!this.found.some((p) => p.message === problem.message)) this.found.push(problem);
  }

  get count(): number {
    return this.found.length;
  }

  /** Throws the one problem as a ConfigError, several as ConfigErrors (sorted by position). */
  throwIfAny(): void {
    if (this.found.length === 0) return;
    const sorted = [...this.found].sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0));
    if (sorted.length === 1) throw sorted[0] as ConfigError;
    throw new ConfigErrors(sorted);
  }
}
