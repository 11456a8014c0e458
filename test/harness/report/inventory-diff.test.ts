import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Inventory } from '../../../harness/config/types.js';
import { diffInventories, flattenInventory } from '../../../harness/report/inventory-diff.js';

const ssh = { knownHosts: '/k', trustOnFirstUse: false, connectTimeoutMs: 20000, retries: 5, keepaliveIntervalMs: 5000, keepaliveCountMax: 3, concurrency: 8 };

function vsphereLab(name: string, over: { template?: string; password?: string; hosts?: { name: string; address: string }[] } = {}): Inventory {
  return {
    file: `/inv/${name}.yaml`,
    name,
    vm: {
      provider: 'vsphere',
      vsphere: {
        url: `https://vc-${name}/sdk`,
        user: 'bench',
        password: { env: over.password ?? 'VC_PASSWORD' },
        insecure: false,
        template: over.template ?? 'ubuntu',
        namePattern: 'vh-{config}-{index}',
        ipPool: { cidr: '127.0.0.0/8', addresses: ['127.0.0.11'] },
        guest: { port: 22, user: 'root', node: 'auto', dir: '~/.vharness', key: { file: '/keys/guest' } },
        cloneConcurrency: 4,
        placement: 'spread',
        teardown: 'on-success',
        leaseHours: 72,
        ipTimeoutMs: 300000,
        requestTimeoutMs: 60000,
      },
    },
    baremetal: { provider: 'ssh', hosts: (over.hosts ?? [{ name: 'bm1', address: '127.0.0.21' }]).map((h) => ({ ...h, port: 22, user: 'root', node: 'auto' as const, dir: '~/.vharness', key: { file: '/keys/bm' } })) },
    ssh,
    resultsDir: '/results',
  };
}

describe('inventory diff', () => {
  test('identical inventories (different files) do not differ', () => {
    assert.deepEqual(diffInventories(vsphereLab('x'), { ...vsphereLab('x'), file: '/elsewhere.yaml' }), []);
  });

  test('secrets appear as the env variable or file that holds them', () => {
    const flat = flattenInventory(vsphereLab('x'));
    assert.equal(flat.get('vm.vsphere.password'), 'env:VC_PASSWORD');
    assert.equal(flat.get('vm.vsphere.guest.key'), 'file:/keys/guest');
    const literal = { ...vsphereLab('x'), extra: { token: 'hunter2' } } as unknown as Inventory;
    assert.ok(![...flattenInventory(literal).values()].some((v) => v.includes('hunter2')));
  });

  test('differences by section; hosts matched by name; a host on one side only is one row', () => {
    const a = vsphereLab('a', { hosts: [{ name: 'bm1', address: '127.0.0.21' }] });
    const b = vsphereLab('b', { template: 'ubuntu-24', password: 'OTHER', hosts: [{ name: 'bm2', address: '127.0.0.23' }, { name: 'bm1', address: '127.0.0.22' }] });
    const diffs = diffInventories(a, b);
    const byPath = Object.fromEntries(diffs.map((d) => [d.path, d]));
    assert.equal(byPath['vm.vsphere.template']?.section, 'template');
    assert.equal(byPath['vm.vsphere.url']?.section, 'vCenter');
    assert.deepEqual([byPath['vm.vsphere.password']?.a, byPath['vm.vsphere.password']?.b], ['env:VC_PASSWORD', 'env:OTHER']);
    assert.deepEqual(byPath['baremetal.hosts[bm1].address'], { section: 'bare-metal hosts', path: 'baremetal.hosts[bm1].address', a: '127.0.0.21', b: '127.0.0.22' });
    assert.deepEqual(byPath['baremetal.hosts[bm2]'], { section: 'bare-metal hosts', path: 'baremetal.hosts[bm2]', a: undefined, b: 'root@127.0.0.23:22' });
    assert.equal(diffs.filter((d) => d.path.startsWith('baremetal.hosts[bm2]')).length, 1);
    assert.equal(diffs[0]?.section, 'general', 'sections in order');
  });
});

test('the differences table fits the terminal: long lists are summarized, long values wrap', async () => {
  const { renderInventoryDiff } = await import('../../../harness/report/inventory-diff-text.js');
  const pool = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `10.20.30.${i + 10}`));
  const diffs = [
    { section: 'VM network and guest' as const, path: 'vm.vsphere.ipPool.addresses', a: pool(30), b: pool(28) },
    { section: 'template' as const, path: 'vm.vsphere.template', a: 'a-very-long-template-name-that-goes-on-and-on-beyond-any-column-width', b: 'ubuntu' },
  ];
  const narrow = renderInventoryDiff('lab-a', 'lab-b', diffs, 80);
  for (const line of narrow.trimEnd().split('\n')) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
  const wide = renderInventoryDiff('lab-a', 'lab-b', diffs, 240);
  assert.match(wide, /30 items: 10\.20\.30\.10 \.\. 10\.20\.30\.39; not in B: 10\.20\.30\.38, 10\.20\.30\.39 /);
  assert.match(wide, /28 items: 10\.20\.30\.10 \.\. 10\.20\.30\.37 /);
  assert.doesNotMatch(wide, /10\.20\.30\.20/, 'the middle of the list is not printed');
});
