// `run --resume` continues a run only when that is safe: from the same config and inventory
// files (content hashes in the manifest), from a readable run directory (a truncated
// summary.json or null cells is exit 9, not a stack trace), and by one process at a time
// (run.lock: a second concurrent --resume is exit 9 naming the first one's pid).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, repoRoot, resultsDirOf, type CliOptions, type CliRun } from '../cli-process.js';

describe('run --resume guards', () => {
  let tmp: string;
  let dir: string;
  let config: string;
  let inventory: string;
  const cli = (args: string[], onStderr?: CliOptions['onStderr']): Promise<CliRun> =>
    runCli(args, { cwd: tmp, env: { ...process.env, VHARNESS_STATE_DIR: join(tmp, 'state') }, timeoutMs: 300_000, ...(onStderr ? { onStderr } : {}) });
  const resume = (extra: string[] = [], onStderr?: CliOptions['onStderr']): Promise<CliRun> =>
    cli(['run', config, '-i', inventory, '--only', 'latency', '--precision', 'fp32', '--no-report', '--resume', dir, ...extra], onStderr);

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vharness-resume-guard-'));
    config = join(tmp, 'ci.yaml');
    inventory = join(tmp, 'local.yaml');
    await writeFile(config, (await readFile(join(repoRoot, 'configs/ci.yaml'), 'utf8')).replace('../schemas/', `${join(repoRoot, 'schemas')}/`));
    // This machine, but another file than the embedded default (resuming without -i must be refused).
    await writeFile(inventory, `${await readFile(join(repoRoot, 'inventories/local.yaml'), 'utf8')}\n# the test's own copy\n`);
    const run = await cli(['run', config, '-i', inventory, '--only', 'latency', '--precision', 'fp32', '--no-report', '--results-dir', join(tmp, 'results')]);
    assert.equal(run.code, 0, run.stderr);
    dir = resultsDirOf(run);
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('refuses another config or inventory (exit 2), and the default inventory in place of the run\'s', async () => {
    const otherConfig = join(tmp, 'ci-changed.yaml');
    await writeFile(otherConfig, `${await readFile(config, 'utf8')}\n# changed\n`);
    const c = await cli(['run', otherConfig, '-i', inventory, '--only', 'latency', '--resume', dir, '--no-report']);
    assert.equal(c.code, 2, c.stderr);
    assert.match(c.stderr, /not the files this run was made from: config .*ci-changed\.yaml \(the run used .*ci\.yaml\)\nhint: resume with the same files: vharness run /);
    const otherInventory = join(tmp, 'other.yaml');
    await writeFile(otherInventory, `${await readFile(inventory, 'utf8')}\n# another lab\n`);
    const i = await cli(['run', config, '-i', otherInventory, '--only', 'latency', '--resume', dir, '--no-report']);
    assert.equal(i.code, 2, i.stderr);
    assert.match(i.stderr, /inventory .*other\.yaml \(the run used .*local\.yaml\)/);
    const d = await cli(['run', config, '--only', 'latency', '--resume', dir, '--no-report']);
    assert.equal(d.code, 2, 'without -i the embedded inventory is another file');
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { inputs?: { config_sha256: string } };
    assert.match(manifest.inputs?.config_sha256 ?? '', /^[0-9a-f]{64}$/, 'the manifest was not rewritten by a refused resume');
  });

  it('a second concurrent --resume of one run is refused (exit 9) naming the first one\'s pid', async () => {
    const cells = await readdir(join(dir, 'cells'));
    await unlink(join(dir, 'cells', cells[0] as string));
    // The first resume is paused (SIGSTOP) while it holds the lock, so the second surely meets it.
    let second: Promise<CliRun> | undefined;
    const first = await resume([], (text, child) => {
      if (second === undefined && /: 1 of 2 cells to run/.test(text)) {
        child.kill('SIGSTOP');
        second = resume().finally(() => child.kill('SIGCONT'));
      }
    });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(second, first.stderr);
    const refused = await second;
    assert.equal(refused.code, 9, refused.stderr);
    assert.match(refused.stderr, /is in use by another vharness process \(pid \d+ on /);
    await assert.rejects(readFile(join(dir, 'run.lock')), /ENOENT/, 'the lock is released at the end');
  });

  it('a truncated summary.json or null cells: exit 9 naming the file, no stack trace', async () => {
    const summaryFile = join(dir, 'summary.json');
    const good = await readFile(summaryFile, 'utf8');
    try {
      await writeFile(summaryFile, good.slice(0, Math.floor(good.length / 2)));
      const truncated = await resume();
      assert.equal(truncated.code, 9, truncated.stderr);
      assert.match(truncated.stderr, /run directory .* is damaged: .*summary\.json is not valid JSON/);
      assert.doesNotMatch(truncated.stderr, /\n\s+at /);
      // report and compare read the same directory: the same exit code, the file named.
      for (const args of [['report', dir, '--format', 'csv'], ['compare', dir, dir]]) {
        const read = await runCli(args);
        assert.equal(read.code, 9, `${args[0]}: ${read.stderr}`);
        assert.match(read.stderr, /summary\.json: not valid JSON/);
        assert.doesNotMatch(read.stderr, /\n\s+at /);
        assert.equal(read.stdout, '', 'nothing half-printed');
      }
      await writeFile(summaryFile, JSON.stringify({ ...(JSON.parse(good) as object), cells: [null] }));
      const nulls = await resume();
      assert.equal(nulls.code, 9, nulls.stderr);
      assert.match(nulls.stderr, /summary\.json has an invalid cell at cells\[0\]\nhint: remove .*summary\.json/);
    } finally {
      await writeFile(summaryFile, good);
    }
  });
});
