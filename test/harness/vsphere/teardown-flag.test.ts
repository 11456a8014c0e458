// `run --teardown` over the inventory's policy: validated, applied to vSphere inventories only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory, VsphereSettings } from '../../../harness/config/types.js';
import { UsageError } from '../../../harness/errors.js';
import { applyTeardownFlag, vmName } from '../../../harness/providers/vsphere.js';

const ssh = { knownHosts: 'k', trustOnFirstUse: false, connectTimeoutMs: 1, retries: 1, keepaliveIntervalMs: 1, keepaliveCountMax: 1, concurrency: 1 };
const vsphere = { teardown: 'on-success' } as VsphereSettings;
const inventory: Inventory = { file: 'i.yaml', name: 'i', vm: { provider: 'vsphere', vsphere }, baremetal: { provider: 'local', local: { memoryLimits: true } }, ssh, resultsDir: 'r' };

describe('teardown flag', () => {
  it('overrides the inventory policy without changing the inventory object', () => {
    const out = applyTeardownFlag(inventory, 'always');
    assert.equal(out.vm.provider === 'vsphere' && out.vm.vsphere.teardown, 'always');
    assert.equal(vsphere.teardown, 'on-success');
    assert.equal(applyTeardownFlag(inventory, undefined), inventory);
  });

  it('rejects other values naming them', () => {
    assert.throws(() => applyTeardownFlag(inventory, 'sometimes'), (e: unknown) => e instanceof UsageError && e.message.includes("got 'sometimes'"));
  });
});

describe('vm names', () => {
  it('substitutes the pattern and keeps names DNS/VM safe', () => {
    assert.equal(vmName('vh-{config}-{index}', 'c3', 2, 'me@box'), 'vh-c3-2');
    assert.equal(vmName('vh-{owner}-{config}-{index}', 'a b', 1, 'jo.e@box'), 'vh-jo.e-a-b-1');
  });
});
