// The vim25 client against the real simulated vCenter (started with a user and password and a
// short session idle timeout): login, faults, re-login, tasks, property reads, certificates.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VsphereError } from '../../../harness/errors.js';
import { VsphereFault } from '../../../harness/vsphere/fault.js';
import { findByPath, listObjects } from '../../../harness/vsphere/inventory-find.js';
import { MoRef } from '../../../harness/vsphere/moref.js';
import { customizeVm } from '../../../harness/vsphere/vm-actions.js';
import { recordingLogger, startTestVcenter, type TestVcenter } from './vcsim-fixture.js';

const IDLE_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('vim25 client against the simulator', () => {
  let vc: TestVcenter;
  before(async () => {
    vc = await startTestVcenter({ user: 'admin', password: 'right-password', idleTimeoutMs: IDLE_MS });
  });
  after(async () => {
    await vc?.stop();
  });

  it('logs in and reads the service content', async () => {
    const client = vc.client();
    const sc = await client.connect();
    assert.equal(sc.about.apiType, 'VirtualCenter');
    assert.equal(sc.searchIndex.type, 'SearchIndex');
    assert.equal(client.callCount('Login'), 1);
  });

  it('fails a wrong password with the InvalidLogin fault, never echoing the password', async () => {
    const client = vc.client({ password: 'wrong-password' });
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof VsphereFault, String(error));
    assert.ok(error instanceof VsphereError);
    assert.equal(error.fault, 'InvalidLogin');
    assert.equal(error.method, 'Login');
    assert.doesNotMatch(error.message, /wrong-password/);
  });

  it('reads properties, follows inventory paths, lists objects through a container view', async () => {
    const client = vc.client();
    await client.connect();
    const template = await findByPath(client, `/DC0/vm/${vc.state.template}`);
    assert.ok(template instanceof MoRef);
    assert.equal(template.type, 'VirtualMachine');
    const props = await client.properties(template, ['name', 'config.template', 'config.hardware.numCPU', 'runtime.host']);
    assert.equal(props.name, vc.state.template);
    assert.equal(props['config.template'], true);
    assert.equal(typeof props['config.hardware.numCPU'], 'number');
    assert.ok(props['runtime.host'] instanceof MoRef);
    assert.equal(await findByPath(client, '/DC0/vm/no-such-vm'), undefined);
    const hosts = await listObjects(client, 'HostSystem', ['name']);
    assert.equal(hosts.length, 4); // VPX model: one standalone host, three in the cluster
    assert.equal(client.callCount('DestroyView'), 1);
  });

  it('names the object when it does not exist', async () => {
    const client = vc.client();
    await client.connect();
    await assert.rejects(client.properties(new MoRef('VirtualMachine', 'vm-does-not-exist'), ['name']), (e: unknown) => e instanceof VsphereFault && e.fault === 'ManagedObjectNotFound' && e.message.includes('vm-does-not-exist'));
  });

  it('surfaces a task error with its fault name', async () => {
    const client = vc.client();
    await client.connect();
    const running = await findByPath(client, '/DC0/vm/DC0_C0_RP0_VM0');
    assert.ok(running);
    // Customization needs a powered-off VM: the task fails with InvalidPowerState.
    await assert.rejects(
      customizeVm(client, running, { hostName: 'x', ipAddress: '127.0.0.99', subnetMask: '255.0.0.0' }),
      (e: unknown) => e instanceof VsphereFault && e.fault === 'InvalidPowerState' && e.method === 'CustomizeVM_Task',
    );
  });

  it('logs in again when the session expired: a NotAuthenticated fault and a missingSet', async () => {
    const log = recordingLogger();
    const client = vc.client({ log });
    await client.connect();
    await sleep(IDLE_MS * 3);
    // A method call answered with a NotAuthenticated fault.
    assert.ok(await findByPath(client, '/DC0'));
    assert.equal(client.callCount('Login'), 2);
    await sleep(IDLE_MS * 3);
    // A property read answered with a missingSet carrying NotAuthenticated.
    const template = await findByPath(client, `/DC0/vm/${vc.state.template}`).catch(() => undefined);
    assert.ok(template);
    const before = client.callCount('Login');
    await sleep(IDLE_MS * 3);
    const props = await client.properties(template, ['name']);
    assert.equal(props.name, vc.state.template);
    assert.equal(client.callCount('Login'), before + 1);
    assert.ok(log.lines.some((l) => l.includes('RetrievePropertiesEx') && l.includes('logging in again')));
    assert.ok(log.lines.some((l) => l.includes('FindByInventoryPath') && l.includes('logging in again')));
    assert.ok(log.lines.every((l) => !l.includes(vc.password)), 'the password is never logged');
  });
});

describe('vim25 client certificate policy', () => {
  let vc: TestVcenter;
  before(async () => {
    vc = await startTestVcenter();
  });
  after(async () => {
    await vc?.stop();
  });

  it('accepts the pinned thumbprint and refuses another one before sending anything', async () => {
    await vc.client({ trust: { kind: 'thumbprint', sha256: vc.state.thumbprint.toLowerCase() } }).connect();
    const wrong = `00${vc.state.thumbprint.slice(2)}`;
    const client = vc.client({ trust: { kind: 'thumbprint', sha256: wrong } });
    await assert.rejects(client.connect(), (e: unknown) => e instanceof VsphereFault && e.message.includes('CertificateMismatch'));
    assert.equal(client.callCount('Login'), 0);
  });

  it('refuses the self-signed certificate with system CAs, accepts it with insecure for that client only', async () => {
    await assert.rejects(vc.client({ trust: { kind: 'system' } }).connect(), (e: unknown) => e instanceof VsphereFault && e.fault === 'Transport');
    await vc.client({ trust: { kind: 'insecure' } }).connect();
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    await assert.rejects(vc.client({ trust: { kind: 'system' } }).connect(), (e: unknown) => e instanceof VsphereFault && e.fault === 'Transport');
  });
});
