// Every command and subcommand through the real binary: its own help (only its own flags, 2-4
// examples whose flags it accepts, its exit codes), one layout, `help CMD [SUB]`, -V everywhere,
// bare `vharness`, "did you mean" for commands, subcommands and flags.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags } from '../../../harness/cli/parse-flags.js';
import { allCommands } from '../../../harness/cli/resolve-command.js';
import { packageVersion } from '../../../harness/cli/version.js';
import { commands } from '../../../harness/commands/index.js';
import { runCli } from '../../cli-process.js';

/** The flag names listed in the `options:` section of a help page. */
function listedFlags(help: string): string[] {
  const section = /\noptions:\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? '';
  return [...section.matchAll(/^ {2}(?:-\w, )?\s*--([\w-]+)/gm)].map((m) => m[1] as string).sort();
}

/** Splits a simple example command line (no shell syntax) into words. */
function words(command: string): string[] | undefined {
  return /["'$|<>()]/.test(command) ? undefined : command.split(/\s+/);
}

describe('help', async () => {
  const leaves = await allCommands();

  it('covers every command and subcommand', () => {
    const paths = leaves.map((l) => l.path);
    for (const name of Object.keys(commands)) assert.ok(paths.some((p) => p === name || p.startsWith(`${name} `)), name);
    for (const path of ['model build', 'model quantize', 'model inspect', 'lab up', 'lab down', 'lab status', 'vms list', 'vms destroy', 'inventory diff']) assert.ok(paths.includes(path), path);
  });

  for (const { path, command } of leaves) {
    it(`vharness ${path} --help: its own flags, examples, exit codes`, async () => {
      const r = await runCli([...path.split(' '), '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const help = r.stdout;
      assert.match(help, new RegExp(`^usage: vharness ${path}( |$)`, 'm'));
      assert.deepEqual(listedFlags(help), [...Object.keys(command.flags), 'help', 'version'].sort(), 'the options section lists exactly its own flags');
      const examples = help.split('\nexamples:\n')[1]?.split('\n\n')[0] ?? '';
      const exampleCount = examples.split('\n').filter((l) => /^ {2}\S/.test(l)).length;
      assert.ok(exampleCount >= 2 && exampleCount <= 4, `${exampleCount} examples`);
      assert.match(help, /\nexit codes:\n {2}0 /);
      for (const code of command.exits.map((e) => (typeof e === 'number' ? e : e[0]))) assert.match(help, new RegExp(`\\n {2}${code} +\\S`), `exit ${code} listed`);
      // The same page from `vharness help PATH`.
      const viaHelp = await runCli(['help', ...path.split(' ')]);
      assert.equal(viaHelp.stdout, help);
    });

    it(`vharness ${path}: every example uses its own flags`, () => {
      for (const example of command.examples) {
        const argv = words(example.command);
        if (argv === undefined || argv.slice(1, 1 + path.split(' ').length).join(' ') !== path) continue;
        assert.doesNotThrow(() => parseFlags(path, command, argv.slice(1 + path.split(' ').length)), example.command);
      }
    });
  }

  it('a subcommand does not accept a flag of its sibling', async () => {
    const r = await runCli(['model', 'inspect', 'x.onnx', '--calibration', 'dir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: Unknown option '--calibration'/);
    const help = await runCli(['lab', 'up', '--help']);
    assert.doesNotMatch(help.stdout, /--json/, 'lab status has --json, lab up has not');
  });

  it('groups list their subcommands, with examples', async () => {
    for (const group of ['model', 'lab', 'vms', 'inventory']) {
      const r = await runCli([group, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^usage: vharness ${group} `));
      assert.match(r.stdout, /\nsubcommands:\n/);
      assert.match(r.stdout, /\nexamples:\n {2}vharness /);
    }
    const bare = await runCli(['lab']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^error: missing subcommand: up, down, status/);
  });

  it('bare vharness prints the usage and exits 0; help is the same page', async () => {
    const bare = await runCli([]);
    assert.equal(bare.code, 0);
    assert.match(bare.stdout, /^usage: vharness <command>/);
    for (const name of Object.keys(commands)) assert.match(bare.stdout, new RegExp(`\\n {2}${name} +\\S`));
    assert.equal((await runCli(['help'])).stdout, bare.stdout);
    assert.equal((await runCli(['--help'])).stdout, bare.stdout);
  });

  it('-V and --version everywhere', async () => {
    for (const args of [['-V'], ['--version'], ['run', '--version'], ['model', 'build', '-V'], ['lab', '-V']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.equal(r.stdout, `${packageVersion()}\n`);
    }
  });

  it('suggests the command, subcommand or flag meant', async () => {
    const rn = await runCli(['rn']);
    assert.equal(rn.code, 2);
    assert.match(rn.stderr, /^error: unknown command 'rn'\nhint: did you mean 'run'\?/);
    const sub = await runCli(['model', 'biuld']);
    assert.equal(sub.code, 2);
    assert.match(sub.stderr, /unknown model subcommand 'biuld'\nhint: did you mean 'build'\?/);
    const flag = await runCli(['run', 'configs/ci.yaml', '--presicion', 'int8']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^error: Unknown option '--presicion'\nhint: did you mean --precision\?/);
    const far = await runCli(['xyzzy']);
    assert.match(far.stderr, /hint: expected one of run, plan/);
    const help = await runCli(['help', 'reprot']);
    assert.equal(help.code, 2);
    assert.match(help.stderr, /did you mean 'report'\?/);
  });
});
