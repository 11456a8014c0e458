// `vharness vms` refuses unclear requests before touching any vCenter: a bare destroy, two
// filters at once, an unknown action, or an inventory without vSphere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'bin/vharness.js');

function vms(...args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [bin, 'vms', ...args], { encoding: 'utf8', cwd: root });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('vharness vms usage', () => {
  it('needs a filter to destroy, one filter at most, and a known action (exit 2)', () => {
    const bare = vms('destroy');
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /destroy needs --run ID, --expired or --all-owned/);
    const two = vms('list', '--run', 'x', '--expired');
    assert.equal(two.code, 2);
    assert.match(two.stderr, /only one of --run, --expired, --all-owned/);
    const unknown = vms('nuke');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown vms subcommand 'nuke'/);
  });

  it('refuses an inventory that does not use vSphere', () => {
    const r = vms('list', '-i', join(root, 'inventories/local.yaml'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does not use vSphere \(vm\.provider: local\)/);
  });

  it('prints its usage with --help', () => {
    const r = vms('--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: vharness vms list\|destroy/);
    const list = vms('list', '--help');
    assert.equal(list.code, 0);
    assert.match(list.stdout, /--expired +VMs whose lease \(vm\.leaseHours\) has expired, of EVERY owner, not only yours/);
    assert.match(list.stdout, /VHARNESS_STATE_DIR\/<vcenter>/);
  });
});
