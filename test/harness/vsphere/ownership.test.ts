// Ownership notes, IP pool arithmetic, the address book and the capacity checks: pure units.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressBook } from '../../../harness/vsphere/address-book.js';
import type { EsxiHost } from '../../../harness/vsphere/host-facts.js';
import { cidrContains, parseCidr, subnetMask } from '../../../harness/vsphere/ip-pool.js';
import { MoRef } from '../../../harness/vsphere/moref.js';
import { formatOwnership, leaseExpired, parseOwnership } from '../../../harness/vsphere/ownership.js';
import { capacityFindings } from '../../../harness/vsphere/preflight.js';

describe('ownership note', () => {
  it('round-trips and is found among other annotation lines', () => {
    const o = { owner: 'me@box', runId: 'r1', expires: '2030-01-01T00:00:00.000Z', configuration: 'c3', ip: '10.0.0.5' };
    assert.deepEqual(parseOwnership(`hand-written line\n${formatOwnership(o)}`), o);
    assert.equal(parseOwnership('just a note'), undefined);
    assert.equal(parseOwnership(''), undefined);
    assert.equal(leaseExpired(o, new Date('2029-12-31T00:00:00Z')), false);
    assert.equal(leaseExpired(o, new Date('2030-01-02T00:00:00Z')), true);
  });
});

describe('ip pool', () => {
  it('parses CIDRs and masks', () => {
    const c = parseCidr('127.0.0.0/8');
    assert.ok(cidrContains(c, '127.0.0.11'));
    assert.ok(!cidrContains(c, '10.0.0.1'));
    assert.ok(!cidrContains(parseCidr('10.1.2.0/24'), '10.1.3.1'));
    assert.equal(subnetMask(24), '255.255.255.0');
    assert.equal(subnetMask(8), '255.0.0.0');
    assert.throws(() => parseCidr('10.0.0.0'), /ipPool\.cidr.*'10\.0\.0\.0'/);
  });

  it('hands out free addresses, prefers a VM’s own, and names holders when exhausted', () => {
    const book = new AddressBook(['a1', 'a2']);
    book.hold('a1', 'vm-x');
    assert.equal(book.take('vm-y'), 'a2');
    assert.equal(book.take('vm-x', 'a1'), 'a1');
    assert.throws(() => book.take('vm-z'), /all 2 addresses are in use \(by vm-x, vm-y\)/);
    book.release('a2', 'vm-y');
    assert.equal(book.take('vm-z', 'a1'), 'a2');
  });
});

describe('capacity findings', () => {
  const host = (threads: number, memoryGB: number): EsxiHost => ({
    ref: new MoRef('HostSystem', `h${threads}`),
    name: `h${threads}`,
    esxi: '8.0',
    build: '1',
    cpuModel: 'x',
    sockets: 2,
    cores: threads / 2,
    threads,
    cpuMhz: 2000,
    memoryBytes: memoryGB * 1024 ** 3,
    parent: undefined,
    inMaintenance: false,
  });

  it('errors above a host, warns at exactly its logical CPUs and on overcommit', () => {
    const hosts = [host(96, 512)];
    const f = capacityFindings(
      [
        { configuration: 'c10', vms: 1, vcpus: 96, memoryGB: 64 },
        { configuration: 'big', vms: 1, vcpus: 128, memoryGB: 1024 },
        { configuration: 'many', vms: 8, vcpus: 16, memoryGB: 16 },
        { configuration: 'ok', vms: 2, vcpus: 8, memoryGB: 8 },
      ],
      hosts,
    );
    assert.ok(f.some((x) => x.level === 'warn' && x.message.startsWith('configuration c10') && x.message.includes('equal')));
    assert.ok(f.some((x) => x.level === 'error' && x.message.startsWith('configuration big') && x.message.includes('vCPUs exceed')));
    assert.ok(f.some((x) => x.level === 'error' && x.message.startsWith('configuration big') && x.message.includes('GB exceeds')));
    assert.ok(f.some((x) => x.level === 'warn' && x.message.startsWith('configuration many') && x.message.includes('overcommit')));
    assert.ok(!f.some((x) => x.message.startsWith('configuration ok')));
  });
});
