// The QPS search against a synthetic service of known capacity (pure: no timing).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchServerQps } from '../../../harness/run/qps-search.js';

/** An M/M/1 queue with service rate mu: the p99 sojourn time is ln(100) / (mu - lambda). */
function mm1(mu: number): (qps: number) => Promise<{ p99Ms: number }> {
  return (qps) => Promise.resolve({ p99Ms: qps >= mu ? Infinity : (Math.log(100) / (mu - qps)) * 1000 });
}

/** The rate at which the M/M/1 p99 equals the bound. */
const mm1Answer = (mu: number, boundMs: number): number => mu - (Math.log(100) * 1000) / boundMs;

describe('searchServerQps', () => {
  for (const [mu, bound] of [[1000, 15], [400, 50], [120, 100]] as const) {
    it(`converges on the highest passing rate of a service of capacity ${mu}/s, bound ${bound} ms`, async () => {
      const truth = mm1Answer(mu, bound);
      const result = await searchServerQps({ boundMs: bound, capacityQps: mu, tolerance: 0.02, maxProbes: 20, probe: mm1(mu) });
      assert.ok(result.qps <= truth, `${result.qps} does not exceed the true ${truth}`);
      assert.ok(result.qps >= truth * (1 - 0.02) - 1e-9, `${result.qps} is within 2% below the true ${truth}`);
      assert.ok(result.probes.every((p) => p.withinBound === p.p99Ms <= bound));
    });
  }

  it('grows the bracket when the capacity estimate was low', async () => {
    const truth = mm1Answer(1000, 15);
    const result = await searchServerQps({ boundMs: 15, capacityQps: 300, tolerance: 0.02, maxProbes: 30, probe: mm1(1000) });
    assert.ok(result.qps <= truth && result.qps >= truth * 0.98, `found ${result.qps}, true ${truth}`);
  });

  it('reports 0 when no rate meets the bound, and stops at maxProbes', async () => {
    const result = await searchServerQps({ boundMs: 1, capacityQps: 100, maxProbes: 3, probe: () => Promise.resolve({ p99Ms: 30 }) });
    assert.equal(result.qps, 0);
    assert.equal(result.probes.length, 3);
  });

  it('never probes below the floor (1/16 of the capacity by default)', async () => {
    const result = await searchServerQps({ boundMs: 1, capacityQps: 160, maxProbes: 50, probe: () => Promise.resolve({ p99Ms: 30 }) });
    assert.equal(result.qps, 0);
    assert.deepEqual(result.probes.map((p) => p.qps), [80, 40, 20, 10]);
  });
});
