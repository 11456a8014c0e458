import assert from 'node:assert/strict';
import { test } from 'node:test';
import { privilegeFindings, REQUIRED_PRIVILEGES, templateFindings } from '../../../harness/vsphere/privilege-check.js';

test('each privilege vCenter does not grant is one error naming it, the object and what it is for', () => {
  const ids = REQUIRED_PRIVILEGES.filter((p) => p.entity === 'folder').map((p) => p.id);
  const findings = privilegeFindings([{ entity: 'folder', where: 'group-v3', ids, granted: ids.map((id) => id !== 'VirtualMachine.Inventory.Delete' && id !== 'VirtualMachine.Interact.PowerOff') }], 'bench@vsphere.local');
  assert.deepEqual(findings, [
    { level: 'error', message: 'vSphere: user bench@vsphere.local lacks privilege VirtualMachine.Inventory.Delete on folder group-v3 (needed to destroy the VMs it created (teardown, vms destroy))' },
    { level: 'error', message: 'vSphere: user bench@vsphere.local lacks privilege VirtualMachine.Interact.PowerOff on folder group-v3 (needed to power the VMs off)' },
  ]);
  assert.deepEqual(privilegeFindings([{ entity: 'template', where: 'ubuntu', ids: ['VirtualMachine.Provisioning.Clone'], granted: [true] }], 'u'), []);
});

test('template: no VMware Tools, or not a Linux guest, is a warning', () => {
  assert.match(templateFindings({ name: 't', toolsStatus: 'toolsNotInstalled', guestFamily: undefined, guestId: 'ubuntu64Guest' })[0]?.message ?? '', /no VMware Tools: install open-vm-tools/);
  assert.deepEqual(templateFindings({ name: 't', toolsStatus: 'toolsNotRunning', guestFamily: 'linuxGuest', guestId: 'otherLinux64Guest' }), []);
  assert.match(templateFindings({ name: 't', toolsStatus: 'toolsOk', guestFamily: 'windowsGuest', guestId: 'windows9Server64Guest' })[0]?.message ?? '', /runs on Linux x64/);
});
