// The model package's one error type. It knows no exit codes (model/ is below the controller):
// harness/errors.ts maps `kind` to the controller's classes (a bad model -> exit 4, a bad input
// image -> exit 2), keeping message and hint.

/** What went wrong: the model (file, build, quantization) or an input image the user named. */
export type ModelFailureKind = 'model' | 'input';

export interface ModelFailureOptions {
  /** @default 'model' */
  kind?: ModelFailureKind;
  cause?: unknown;
  /** One line telling the user what to do about it. */
  hint?: string;
}

/** A bad model file, a failed build or quantization, or an unreadable image. */
export class ModelFailure extends Error {
  readonly kind: ModelFailureKind;
  readonly hint: string | undefined;
  constructor(message: string, options: ModelFailureOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelFailure';
    this.kind = options.kind ?? 'model';
    this.hint = options.hint;
  }
}
