// Colour on or off: FORCE_COLOR, NO_COLOR, TTY; and the tables as a terminal would get them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { colorEnabled } from '../../../harness/terminal/color.js';
import { cliPath, repoRoot, runCli } from '../../cli-process.js';

const ESC = String.fromCharCode(27);
const bold = `${ESC}[1m`;
const red = `${ESC}[31m`;

test('colorEnabled: FORCE_COLOR, then NO_COLOR, then a terminal', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.equal(colorEnabled(tty, {}), true);
  assert.equal(colorEnabled(pipe, {}), false);
  assert.equal(colorEnabled(tty, { NO_COLOR: '1' }), false);
  assert.equal(colorEnabled(tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
  assert.equal(colorEnabled(pipe, { FORCE_COLOR: '1' }), true);
  assert.equal(colorEnabled(tty, { FORCE_COLOR: '0' }), false);
  assert.equal(colorEnabled(tty, { TERM: 'dumb' }), false);
});

test('plan tables: bold headers with FORCE_COLOR (never red), plain with NO_COLOR', async () => {
  const config = join(repoRoot, 'configs/ci.yaml');
  const { FORCE_COLOR: _f, NO_COLOR: _n, ...base } = process.env;
  const forced = await runCli(['plan', config], { env: { ...base, FORCE_COLOR: '1' } });
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok(forced.stdout.includes(bold), 'bold header');
  assert.ok(!forced.stdout.includes(red), 'no red');
});

/** The CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal runs it. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): string {
  const command = [process.execPath, cliPath, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('on a terminal: coloured headers, none with NO_COLOR', () => {
  const config = join(repoRoot, 'configs/ci.yaml');
  // A user at a terminal: no CI variable (the colour library turns colour off under CI=true).
  const { FORCE_COLOR: _f, NO_COLOR: _n, CI: _ci, ...base } = process.env;
  const coloured = onTerminal(['plan', config], { ...base, TERM: 'xterm' });
  assert.ok(coloured.includes(bold));
  assert.ok(!coloured.includes(red));
  const plain = onTerminal(['plan', config], { ...base, TERM: 'xterm', NO_COLOR: '1' });
  assert.match(plain, /cell/);
  assert.ok(!plain.includes(ESC));
});
