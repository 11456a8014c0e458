// The bash completion script as bash runs it: commands, subcommands, a command's own flags and
// the choices of a flag's value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { runCli } from '../../cli-process.js';

function complete(script: string, line: string[]): string[] {
  const words = line.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _vharness; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((w) => w !== '');
}

test('vharness completion bash completes commands, subcommands, flags and values', async () => {
  const r = await runCli(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  const script = r.stdout;
  assert.deepEqual(complete(script, ['vharness', 'pr']), ['probe']);
  assert.deepEqual(complete(script, ['vharness', 'lab', '']).sort(), ['--help', 'down', 'status', 'up']);
  const upFlags = complete(script, ['vharness', 'lab', 'up', '--']);
  assert.ok(upFlags.includes('--guests') && upFlags.includes('--vcenter'), upFlags.join(' '));
  assert.ok(!upFlags.includes('--json'), 'status has --json, up has not');
  assert.deepEqual(complete(script, ['vharness', 'run', 'x.yaml', '--precision', '']), ['fp32', 'int8']);
  assert.deepEqual(complete(script, ['vharness', 'help', 'model', 'b']), ['build']);
});

test('vharness completion zsh loads the same function through bashcompinit; other shells are a usage error', async () => {
  const zsh = await runCli(['completion', 'zsh']);
  assert.equal(zsh.code, 0);
  assert.match(zsh.stdout, /^#compdef vharness\n/);
  assert.match(zsh.stdout, /bashcompinit/);
  assert.match(zsh.stdout, /complete -o filenames -F _vharness vharness/);
  const fish = await runCli(['completion', 'fish']);
  assert.equal(fish.code, 2);
  assert.match(fish.stderr, /Expected the shell, bash or zsh, got 'fish'/);
});
