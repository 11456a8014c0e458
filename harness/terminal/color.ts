// Whether to colour what goes to a stream: FORCE_COLOR (0 off, anything else on) wins, as in
// Node's own tty.hasColors; then NO_COLOR (present and not empty: off, https://no-color.org);
// then colour only on a terminal that is not TERM=dumb.

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
