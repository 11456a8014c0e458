// Ownership notes, IP pool arithmetic and the address book: pure units.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressBook } from '../../../harness/vsphere/address-book.js';
import { cidrContains, parseCidr, subnetMask } from '../../../harness/vsphere/ip-pool.js';
import { formatOwnership, leaseExpired, parseOwnership } from '../../../harness/vsphere/ownership.js';

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
