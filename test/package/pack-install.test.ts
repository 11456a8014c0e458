// The package as a user gets it: `npm pack`, then `npm install -g --prefix <tmp> <tarball>`
// from the local npm cache (no registry needed when the cache holds the dependencies), and the
// installed `vharness` runs: --version, and one inference of the tiny model. onnxruntime-node's
// postinstall must not download anything: ONNXRUNTIME_NODE_INSTALL=skip, and a proxy that
// refuses every connection makes any download attempt fail the install.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { packageVersion } from '../../harness/cli/version.js';
import { repoRoot } from '../cli-process.js';

const run = promisify(execFile);

describe('npm pack and install of the tarball', { timeout: 600_000 }, () => {
  let tmp: string;
  let tarball: string;
  let bin: string;
  const refused = 'http://127.0.0.1:9';
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    GLOBAL_AGENT_HTTPS_PROXY: refused,
    GLOBAL_AGENT_HTTP_PROXY: refused,
    npm_config_update_notifier: 'false',
    VHARNESS_CACHE: join(tmp, 'cache'),
  });

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vharness-pack-'));
    // The tests run from a built dist/: pack it as it is (prepack would clean and rebuild it).
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: repoRoot, env: env(), maxBuffer: 1 << 26 });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(info);
    tarball = join(tmp, info.filename);
    const files = info.files.map((f) => f.path);
    for (const needed of ['bin/vharness.js', 'dist/harness/cli.js', 'dist/agent/main.js', 'schemas/config.schema.json', 'inventories/local.yaml', 'configs/ci.yaml']) {
      assert.ok(files.includes(needed), `the tarball holds ${needed}`);
    }
    assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/') || f.endsWith('.map')), 'no tests, benchmarks or source maps');
    await run('npm', ['install', '-g', '--prefix', join(tmp, 'prefix'), '--prefer-offline', '--no-audit', '--no-fund', tarball], { env: env(), maxBuffer: 1 << 26, timeout: 540_000 });
    bin = join(tmp, 'prefix', 'bin', 'vharness');
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('installs a working vharness: --version', async () => {
    const { stdout } = await run(bin, ['--version'], { env: env(), cwd: tmp });
    assert.equal(stdout, `${packageVersion()}\n`);
  });

  it('runs one inference of the tiny model from the installed package', async () => {
    const { stdout } = await run(bin, ['infer', '--model', 'tiny', '--steps', '5', '--warmup', '1', '--json'], { env: env(), cwd: tmp, maxBuffer: 1 << 24 });
    const report = JSON.parse(stdout) as { speed?: { throughput_ips: number }; model: { arch: string } };
    assert.equal(report.model.arch, 'tiny');
    assert.ok(report.speed && report.speed.throughput_ips > 0);
  });

  it('did not fetch the CUDA binaries', async () => {
    const ortBin = join(tmp, 'prefix', 'lib', 'node_modules', 'vharness', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
    const files = await readdir(ortBin);
    assert.ok(files.some((f) => f.startsWith('libonnxruntime.so')), files.join(' '));
    assert.ok(!files.includes('libonnxruntime_providers_cuda.so'), files.join(' '));
  });
});
