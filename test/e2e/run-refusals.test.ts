// What `run` and `plan` refuse before they create anything, each through the CLI as a user
// would meet it: model paths that are not regular files or exceed the size limit (exit 4),
// results directories that cannot be one (exit 2), a YAML alias bomb (exit 3), an inventory
// secret that cannot be read (exit 3, naming file:line). No stack trace, no run directory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, repoRoot, type CliRun } from '../cli-process.js';

const STACK = /\n\s+at /;

function assertRefused(run: CliRun, code: number, message: RegExp): void {
  assert.equal(run.code, code, `exit ${code} expected:\n${run.stderr}`);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, STACK, 'no stack trace');
  assert.doesNotMatch(run.stderr, /ERR_FS_FILE_TOO_LARGE|internal error/);
}

describe('run and plan refuse bad input before creating anything', () => {
  let tmp: string;
  let results: string;
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, VHARNESS_STATE_DIR: join(tmp, 'state'), ...extra });
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCli(args, { cwd: tmp, env: env(extra), timeoutMs: 120_000 });
  const config = async (name: string, model: string): Promise<string> => {
    const file = join(tmp, `${name}.yaml`);
    await writeFile(file, `name: ${name}\nmodel: { arch: ${JSON.stringify(model)} }\nprecisions: [fp32]\nmeasure: { warmup: 1, steps: 2 }\nconfigurations:\n  - { id: 1, vms: 1, vcpus: 1, memoryGB: 1 }\nworkloads:\n  - { kind: throughput, configuration: 1, batch: 1 }\n`);
    return file;
  };
  const runDirs = async (): Promise<string[]> => readdir(results).catch(() => []);

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vharness-refusals-'));
    results = join(tmp, 'results');
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('model.arch /dev/zero: exit 4 from run and plan, nothing read, no run directory', async () => {
    const file = await config('devzero', '/dev/zero');
    assertRefused(await cli(['run', file, '--results-dir', results, '--no-report']), 4, /\/dev\/zero: is a character device, expected a regular \.onnx file/);
    const plan = await cli(['plan', file]);
    assert.equal(plan.code, 4, plan.stderr);
    assert.match(plan.stdout, /error: model: \/dev\/zero: is a character device/);
    assert.deepEqual(await runDirs(), []);
  });

  it('a FIFO and a directory as model files: exit 4 each, the FIFO is never opened for reading', async () => {
    const fifo = join(tmp, 'pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    assertRefused(await cli(['run', await config('fifo', fifo), '--results-dir', results, '--no-report']), 4, /pipe\.onnx: is a FIFO \(named pipe\)/);
    const dir = join(tmp, 'dir.onnx');
    await mkdir(dir);
    assertRefused(await cli(['run', await config('dir', dir), '--results-dir', results, '--no-report']), 4, /dir\.onnx: is a directory/);
    assert.equal((await cli(['plan', await config('dir', dir)])).code, 4);
    assert.deepEqual(await runDirs(), []);
  });

  it('a model file over VHARNESS_MODEL_MAX_BYTES: exit 4 naming the size and the limit', async () => {
    const big = join(tmp, 'big.onnx');
    await writeFile(big, Buffer.alloc(4096));
    const file = await config('big', big);
    assertRefused(await cli(['run', file, '--results-dir', results, '--no-report'], { VHARNESS_MODEL_MAX_BYTES: '1000' }), 4, /big\.onnx: 4096 bytes, more than the model size limit of 1000 bytes\n(.*\n)*hint: set VHARNESS_MODEL_MAX_BYTES/);
    const plan = await cli(['plan', file], { VHARNESS_MODEL_MAX_BYTES: '1000' });
    assert.equal(plan.code, 4, plan.stderr);
    assert.match(plan.stdout, /more than the model size limit of 1000 bytes/);
    assertRefused(await cli(['run', file, '--results-dir', results], { VHARNESS_MODEL_MAX_BYTES: 'lots' }), 4, /Expected VHARNESS_MODEL_MAX_BYTES to be an integer/);
    assert.deepEqual(await runDirs(), []);
  });

  it('--results-dir under /proc, through a file, or unwritable: exit 2 at once, no loop', async () => {
    const ci = join(repoRoot, 'configs/ci.yaml');
    assertRefused(await cli(['run', ci, '--results-dir', '/proc/vharness-x', '--no-report']), 2, /results directory \/proc\/vharness-x \(--results-dir\): .*cannot be created there|results directory \/proc\/vharness-x/);
    assertRefused(await cli(['run', ci, '--results-dir', '/etc/passwd', '--no-report']), 2, /results directory \/etc\/passwd \(--results-dir\): is a file, not a directory/);
    assertRefused(await cli(['run', ci, '--results-dir', '/etc/passwd/sub', '--no-report']), 2, /\/etc\/passwd\/sub \(--results-dir\): a part of the path is a file, not a directory/);
    assertRefused(await cli(['run', ci, '--results-dir', '/proc/self', '--no-report']), 2, /results directory \/proc\/self \(--results-dir\): not writable/);
  });

  it('a YAML alias bomb is a config error (exit 3) naming the file and line', async () => {
    const bomb = join(tmp, 'bomb.yaml');
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    await writeFile(bomb, `${levels.join('\n')}\nname: bomb\n`);
    assertRefused(await cli(['run', bomb, '--results-dir', results]), 3, /bomb\.yaml:2:\d+: YAML: aliases expand to too many nodes/);
    assertRefused(await cli(['plan', bomb]), 3, /YAML: aliases expand/);
  });

  it('an SSH key from an unset variable or a missing file: exit 3 naming inventory file:line, no run directory', async () => {
    const inventory = join(tmp, 'keys.yaml');
    await writeFile(
      inventory,
      ['name: keys', 'vm:', '  provider: ssh', '  hosts:', '    - name: h1', '      address: 127.0.0.11', '      user: root', '      key: { env: VHARNESS_TEST_NO_SUCH_KEY }', 'baremetal:', '  provider: ssh', '  hosts:', '    - name: h2', '      address: 127.0.0.12', '      user: root', `      key: { file: ${join(tmp, 'missing-key')} }`, ''].join('\n'),
    );
    const run = await cli(['run', join(repoRoot, 'configs/ci.yaml'), '-i', inventory, '--results-dir', results, '--no-report']);
    assertRefused(run, 3, /keys\.yaml:8:\d+: vm\.hosts\[0\]\.key: SSH key of h1: environment variable VHARNESS_TEST_NO_SUCH_KEY is not set/);
    assert.match(run.stderr, /keys\.yaml:15:\d+: baremetal\.hosts\[0\]\.key: SSH key of h2: cannot read file .*missing-key \(ENOENT\)/);
    // --force does not get past a secret that cannot be read.
    assertRefused(await cli(['run', join(repoRoot, 'configs/ci.yaml'), '-i', inventory, '--results-dir', results, '--force']), 3, /VHARNESS_TEST_NO_SUCH_KEY is not set/);
    const plan = await cli(['plan', join(repoRoot, 'configs/ci.yaml'), '-i', inventory]);
    assert.equal(plan.code, 3, plan.stderr);
    assert.match(plan.stdout, /error: inventory: .*keys\.yaml:8:\d+: vm\.hosts\[0\]\.key:/);
    assert.deepEqual(await runDirs(), []);
  });
});
