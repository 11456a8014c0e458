// The XML codec on fixed documents: xsi:type spellings (including the simulator's
// `XMLSchema-instance:type`), MoRefs, arrays, faults without fields, escaping, field order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MoRef } from '../../../harness/vsphere/moref.js';
import { asArray, fieldPath } from '../../../harness/vsphere/value.js';
import { child, decodeValue, parseXml } from '../../../harness/vsphere/xml-decode.js';
import { encodeRequest } from '../../../harness/vsphere/xml-encode.js';

describe('xml-decode', () => {
  it('types values by xsi:type under any prefix and keeps a MoRef type apart from it', () => {
    const doc = parseXml(
      '<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance">' +
        '<a xsi:type="xsd:int">42</a><b XMLSchema-instance:type="xsd:boolean">true</b>' +
        '<c xsi:type="ManagedObjectReference" type="VirtualMachine">vm-7</c><d type="HostSystem">host-1</d>' +
        '<e xsi:type="ArrayOfString"><string>x</string><string>y &amp; z</string></e>' +
        '<f xsi:type="InvalidLogin"></f><g xsi:type="VirtualMachinePowerState">poweredOn</g>' +
        '<h><n>1</n><n>2</n><m>only</m></h></r>',
    );
    const v = decodeValue(doc);
    assert.equal(fieldPath(v, 'a'), 42);
    assert.equal(fieldPath(v, 'b'), true);
    const c = fieldPath(v, 'c');
    assert.ok(c instanceof MoRef && c.type === 'VirtualMachine' && c.value === 'vm-7');
    assert.ok(new MoRef('HostSystem', 'host-1').equals(fieldPath(v, 'd') as MoRef));
    assert.deepEqual(fieldPath(v, 'e'), ['x', 'y & z']);
    assert.deepEqual(fieldPath(v, 'f'), { $type: 'InvalidLogin' });
    assert.equal(fieldPath(v, 'g'), 'poweredOn');
    assert.deepEqual(asArray(fieldPath(v, 'h.n')), ['1', '2']);
    assert.deepEqual(asArray(fieldPath(v, 'h.m')), ['only']);
  });

  it('strips element prefixes (soapenv:Body)', () => {
    const doc = parseXml('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="x"><soapenv:Body><R><returnval>ok</returnval></R></soapenv:Body></soapenv:Envelope>');
    assert.equal(child(child(doc, 'Body')?.children[0], 'returnval')?.text, 'ok');
  });
});

describe('xml-encode', () => {
  it('sends _this with its type, keeps field order, repeats arrays, escapes text, skips undefined', () => {
    const xml = encodeRequest('CloneVM_Task', new MoRef('VirtualMachine', 'vm-1'), {
      folder: new MoRef('Folder', 'group-v3'),
      name: 'a<b&c',
      spec: { $type: 'VirtualMachineCloneSpec', location: { pool: new MoRef('ResourcePool', 'rp-1'), host: undefined }, template: false, powerOn: false },
      tags: ['x', 'y'],
    });
    assert.match(xml, /<CloneVM_Task xmlns="urn:vim25"><_this type="VirtualMachine">vm-1<\/_this><folder type="Folder">group-v3<\/folder><name>a&lt;b&amp;c<\/name>/);
    assert.match(xml, /<spec xsi:type="VirtualMachineCloneSpec"><location><pool type="ResourcePool">rp-1<\/pool><\/location><template>false<\/template><powerOn>false<\/powerOn><\/spec>/);
    assert.match(xml, /<tags>x<\/tags><tags>y<\/tags>/);
    assert.doesNotMatch(xml, /<host/);
  });
});
