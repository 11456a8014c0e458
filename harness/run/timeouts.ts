// Deadlines of the controller's requests to agents (ms). Each is explicit so a hung agent
// fails its cell with a reason instead of hanging the run.
export const Timeouts = {
  /** Agent start + hello (node start and onnxruntime import). */
  hello: 30_000,
  /** Model load (session creation of a large model on a busy machine). */
  load: 180_000,
  /** Grace after the expected end of a run before it counts as timed out. */
  runGrace: 120_000,
  /** bye / process exit at the end of a cell. */
  close: 5_000,
} as const;
