// The simulated vCenter as the lab starts it: serves over TLS with its own certificate,
// writes a vSphere inventory the loader accepts, and stop leaves no process or file behind.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadInventory } from '../../../harness/config/load.js';
import { alive, startVcenterSim, stopVcenterSim } from '../../../harness/lab/vcsim.js';
import { silentLogger } from '../../../harness/log.js';
import { connectVsphere } from '../../../harness/vsphere/connect.js';


describe('vCenter simulator for the lab', () => {
  it('starts with a login, writes a loadable inventory for the guests, and stops clean', async () => {
    const lab = await mkdtemp(join(tmpdir(), 'vharness-vcsim-lab-'));
    try {
      const guests = [11, 12, 13].map((n, i) => ({ name: `guest-${i + 1}`, address: `127.0.0.${n}`, port: 2222 }));
      const state = await startVcenterSim(lab, { guests, sshUser: 'root', clientKey: join(lab, 'client_key'), knownHosts: join(lab, 'known_hosts'), watchParent: true, port: 0 });
      assert.ok(alive(state.pid));
      assert.match(state.url, /^https:\/\/127\.0\.0\.1:\d+\/sdk$/);
      assert.ok(state.inventory && existsSync(state.inventory));
      const inventory = await loadInventory(state.inventory);
      assert.equal(inventory.vm.provider, 'vsphere');
      if (inventory.vm.provider !== 'vsphere') return;
      const vs = inventory.vm.vsphere;
      assert.deepEqual(vs.ipPool.addresses, ['127.0.0.11', '127.0.0.12']);
      assert.equal(vs.ca, state.certFile);
      assert.equal(inventory.baremetal.provider, 'ssh');
      // The written credentials and CA work; the password is never in the state or inventory.
      const client = await connectVsphere(vs, silentLogger);
      assert.equal(client.service.about.apiType, 'VirtualCenter');
      await client.close();
      const secret = (await readFile(state.passwordFile ?? '', 'utf8')).trim();
      assert.ok(secret.length >= 12);
      assert.equal(JSON.stringify(state).includes(secret), false);
      assert.equal((await readFile(state.inventory, 'utf8')).includes(secret), false);
      await stopVcenterSim(state);
      assert.equal(alive(state.pid), false);
      assert.deepEqual(await readdir(lab), []);
    } finally {
      await rm(lab, { recursive: true, force: true });
    }
  });
});
