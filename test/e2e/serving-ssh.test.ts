// The server and offline scenarios over SSH against three sshd guests (two "VMs", one
// bare-metal host): the deployed single-file agent serves schedules and runs its worker
// sessions (offline concurrency 2) remotely.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFreePort } from '../../harness/lab/free-port.js';
import { guestAddress, labDown, labUp } from '../../harness/lab/lab.js';
import type { LabState } from '../../harness/lab/state.js';
import { recordingLogger } from '../lab/ssh-lab-fixture.js';
import { repoRoot, runCli, resultsDirOf } from '../cli-process.js';
import { checkServingRun, servingConfig } from './serving-checks.js';

describe('server and offline scenarios over SSH', () => {
  let tmp: string;
  let lab: LabState;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'vharness-serving-ssh-'));
    const port = await findFreePort([0, 1, 2].map(guestAddress));
    lab = await labUp({ dir: join(tmp, 'lab'), guests: 3, withoutNode: [], port }, recordingLogger());
  });
  after(async () => {
    if (lab) await labDown(lab.dir, recordingLogger());
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('runs the serving fixture on the guests: VM cells on the VM guests, bare metal on its host', async () => {
    const run = await runCli(['run', join(repoRoot, servingConfig), '-i', lab.inventory, '--results-dir', join(tmp, 'results'), '--no-report'], { cwd: tmp });
    assert.equal(run.code, 0, run.stderr);
    const summary = checkServingRun(resultsDirOf(run));
    for (const c of summary.cells) {
      const hosts = new Set(c.per_instance.map((i) => i.host));
      if (c.target === 'baremetal') assert.deepEqual([...hosts], ['guest-3'], c.key);
      else assert.deepEqual([...hosts].sort(), ['guest-1', 'guest-2'], c.key);
    }
  });
});
