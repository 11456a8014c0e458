import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_INVENTORY_FILE, loadConfig, loadInventory } from '../../../harness/config/load.js';
import { ConfigError, ExitCode } from '../../../harness/errors.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const corpus = join(root, 'test/fixtures/configs');
const tmp = mkdtempSync(join(tmpdir(), 'vharness-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('bad config corpus (test/fixtures/configs)', () => {
  const files = readdirSync(corpus).filter((f) => f.endsWith('.yaml')).sort();
  it('has files', () => assert.ok(files.length >= 15));
  for (const name of files) {
    it(name, async () => {
      const file = join(corpus, name);
      const text = readFileSync(file, 'utf8');
      const expected = /^# expect: (.*)$/m.exec(text)?.[1];
      assert.ok(expected, 'the file states its expected message');
      const load = name.endsWith('.inventory.yaml') ? loadInventory : loadConfig;
      await assert.rejects(load(file), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.exitCode, ExitCode.config);
        assert.equal(error.message, `${file}${expected}`);
        // Literal secrets are never echoed.
        assert.doesNotMatch(error.message, /hunter2|BEGIN OPENSSH/);
        return true;
      });
    });
  }
});

describe('loadConfig', () => {
  it('fills the server and offline defaults (beyond the study)', async () => {
    const file = join(tmp, 'serving.yaml');
    writeFileSync(file, 'name: s\nmodel: { arch: tiny }\nconfigurations: [{ id: 1, vms: 2, vcpus: 1, memoryGB: 1 }]\nworkloads:\n  - { kind: server, configuration: 1, probe: { minQueries: 50 } }\n  - { kind: offline, configuration: 1, concurrency: 2 }\n');
    const [server, offline] = (await loadConfig(file)).workloads;
    assert.ok(server?.kind === 'server');
    assert.deepEqual(
      [server.boundMs, server.concurrency, server.maxBatch, server.maxQueueDelayMs, server.seed, server.warmup, server.tolerance, server.maxProbes, server.minQpsFraction],
      [15, 1, 1, 0, 1, 10, 0.05, 8, 1 / 16],
    );
    assert.deepEqual(server.run, { minQueries: 1024, minDurationMs: 10_000 });
    assert.deepEqual(server.probe, { minQueries: 50, minDurationMs: 2000 }, 'probe keys merge over the defaults');
    assert.ok(offline?.kind === 'offline' && offline.maxBatch === 32 && offline.concurrency === 2);
  });

  it('fills defaults and resolves model paths against the config file', async () => {
    const file = join(tmp, 'c.yaml');
    writeFileSync(file, 'name: c\nmodel: { arch: ./my.onnx }\nconfigurations: [{ id: 1, vms: 2, vcpus: 1, memoryGB: 1 }]\nworkloads:\n  - { kind: multistream, configuration: 1 }\n  - { kind: scaling, configurations: [1], measure: { durationMs: 500 } }\n');
    const config = await loadConfig(file);
    assert.equal(config.model.arch, join(tmp, 'my.onnx'));
    assert.equal(config.model.seed, 1);
    assert.equal(config.startLeadMs, 1500);
    assert.equal(config.baremetal, true);
    const [ms, scaling] = config.workloads;
    assert.equal(ms?.kind, 'multistream');
    assert.ok(ms?.kind === 'multistream' && ms.boundMs === 33.3 && ms.statistic === 'mean' && ms.maxBatch === 1024);
    assert.deepEqual(ms?.precisions, ['fp32', 'int8']);
    assert.deepEqual(scaling?.measure, { warmup: 250, steps: 500, repeats: 3, durationMs: 500 });
    assert.equal(config.equivalenceMargin, 0.01);
    assert.equal(config.noise.maxTrialCv, 0.1);
  });

  it('names a missing file', async () => {
    await assert.rejects(loadConfig(join(tmp, 'nope.yaml')), (e: unknown) => e instanceof ConfigError && /nope\.yaml: no such file/.test(e.message));
  });

  it('loads the shipped configs', async () => {
    for (const name of ['table3', 'demo', 'ci']) {
      const config = await loadConfig(join(root, `configs/${name}.yaml`));
      assert.equal(config.name, name);
      const study = ['latency', 'throughput', 'scaling', 'multistream'];
      // Beyond the study: table3 adds server + offline, the demo a short server run.
      const extension = { table3: ['server', 'offline'], demo: ['server'], ci: [] }[name] ?? [];
      assert.deepEqual(new Set(config.workloads.map((w) => w.kind)), new Set([...study, ...extension]));
    }
  });
});

describe('loadInventory', () => {
  it('defaults to the embedded local inventory, found relative to the package', async () => {
    const inventory = await loadInventory();
    assert.equal(inventory.file, DEFAULT_INVENTORY_FILE);
    assert.equal(inventory.file, join(root, 'inventories/local.yaml'));
    assert.equal(inventory.vm.provider, 'local');
    assert.equal(inventory.baremetal.provider, 'local');
    assert.equal(inventory.ssh.retries, 5);
  });

  it('resolves paths relative to the inventory file and expands ~', async () => {
    const file = join(tmp, 'lab.yaml');
    writeFileSync(
      file,
      [
        'name: lab',
        'resultsDir: ./out',
        'ssh: { knownHosts: ~/kh, connectTimeoutMs: 1000 }',
        'baremetal:',
        '  provider: ssh',
        '  hosts:',
        '    - { name: a, address: 127.0.0.11, user: root, key: { file: keys/id }, password: { env: PW } }',
      ].join('\n'),
    );
    const inventory = await loadInventory(file);
    assert.equal(inventory.resultsDir, join(tmp, 'out'));
    assert.equal(inventory.ssh.knownHosts, join(homedir(), 'kh'));
    assert.equal(inventory.ssh.connectTimeoutMs, 1000);
    assert.equal(inventory.ssh.keepaliveIntervalMs, 5000);
    assert.ok(inventory.baremetal.provider === 'ssh');
    const host = inventory.baremetal.hosts[0];
    assert.deepEqual(host?.key, { file: join(tmp, 'keys/id') });
    assert.deepEqual(host?.password, { env: 'PW' });
    assert.equal(host?.port, 22);
    assert.equal(host?.dir, '~/.vharness', 'remote directories are not expanded locally');
  });
});

describe('the CLI on a bad config', () => {
  it('prints one error line with exit code 3, no stack, and creates nothing', async () => {
    const results = join(tmp, 'results-never');
    const bad = join(corpus, 'wrong-type.yaml');
    const run = promisify(execFile)(process.execPath, [join(root, 'bin/vharness.js'), 'run', bad, '--results-dir', results], { cwd: tmp });
    await assert.rejects(run, (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 3);
      assert.equal(error.stderr, `error: ${bad}:9:12: workloads[0].batch: must be an integer, got "big"\n`);
      return true;
    });
    assert.equal(existsSync(results), false);
  });
});

describe('a file with several problems', () => {
  it('reports every schema and semantic problem, in file order, each with line:column, key path and value', async () => {
    const file = join(tmp, 'several.yaml');
    writeFileSync(
      file,
      [
        'name: several',
        'model: { arch: tiny }',
        'precisions: [fp16]',
        'configurations:',
        '  - { id: 1, vms: 1, vcpus: 0, memoryGB: 1 }',
        '  - { id: 1, vms: 1, vcpus: 2, memoryGB: 1 }',
        'workloads:',
        '  - { kind: latency, configuration: 7 }',
        '  - { kind: throughput, configuration: 1, batch: 0, colour: red }',
        '',
      ].join('\n'),
    );
    const results = join(tmp, 'results-never-2');
    const run = promisify(execFile)(process.execPath, [join(root, 'bin/vharness.js'), 'run', file, '--results-dir', results], { cwd: tmp });
    await assert.rejects(run, (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 3);
      assert.equal(
        error.stderr,
        [
          `error: ${file}:3:14: precisions[0]: must be one of fp32, int8, got "fp16"`,
          `error: ${file}:5:29: configurations[0].vcpus: must be >= 1, got 0`,
          `error: ${file}:6:11: configurations[1].id: duplicate configuration id (first at configurations[0]), got 1`,
          `error: ${file}:8:37: workloads[0].configuration: unknown configuration (defined: 1), got 7`,
          `error: ${file}:9:50: workloads[1].batch: must be >= 1, got 0`,
          `error: ${file}:9:53: workloads[1].colour: unknown key (expected one of kind, configuration, batch, threads, precisions, measure)`,
          '',
        ].join('\n'),
      );
      return true;
    });
    assert.equal(existsSync(results), false);
  });
});
