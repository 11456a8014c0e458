// End to end on this machine: the server and offline scenarios of the serving fixture (tiny
// model) through `vharness plan`, `run`, the report and `--resume`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli, resultsDirOf, type CliRun } from '../cli-process.js';
import { checkServingRun, servingConfig } from './serving-checks.js';

const tmp = mkdtempSync(join(tmpdir(), 'vharness-serving-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const config = join(repoRoot, servingConfig);

describe('server and offline scenarios on this machine', () => {
  let run: CliRun;
  let dir: string;
  before(async () => {
    run = await runCli(['run', config, '--results-dir', join(tmp, 'results')], { cwd: tmp });
    dir = resultsDirOf(run);
  });

  it('plan lists the four cells with an estimate', async () => {
    const plan = await runCli(['plan', config], { cwd: tmp });
    assert.equal(plan.code, 0, plan.stderr);
    for (const key of ['server/int8/vm/c1', 'server/int8/baremetal/c1', 'offline/int8/vm/c1', 'offline/int8/baremetal/c1']) assert.ok(plan.stdout.includes(key), key);
  });

  it('runs the QPS search, a confirming run and offline; results and raw schedules agree', () => {
    assert.equal(run.code, 0, run.stderr);
    checkServingRun(dir);
    assert.match(run.stdout, /Server scenario, beyond the study/);
    assert.match(run.stdout, /Offline scenario, beyond the study/);
    assert.match(run.stdout, /validity \(LoadGen, noise\)/);
  });

  it('draws the p99 vs offered QPS curve in the report', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /data-chart="server" data-kind="curve" data-points="[1-9]/);
    assert.match(html, /data-chart="offline" data-kind="bar"/);
    const csv = readFileSync(join(dir, 'summary.csv'), 'utf8');
    assert.ok(csv.split('\r\n')[0]?.includes('server_qps_found'));
  });

  it('--resume finds nothing left to run', async () => {
    const again = await runCli(['run', config, '--results-dir', join(tmp, 'results'), '--resume', dir, '--no-report'], { cwd: tmp });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing to run/);
  });
});
