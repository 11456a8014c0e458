import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateOffset, roundTrip, toAgentClock, toControllerClock } from '../../../harness/run/clock-offset.js';

describe('clock offset', () => {
  it('computes ((t1 - t0) + (t2 - t3)) / 2 from the min-RTT sample', () => {
    // Agent clock = controller + 1000. Sample 1: symmetric 10 ns each way; sample 2: slow and asymmetric.
    const precise = { t0: 0, t1: 1010, t2: 1015, t3: 25 };
    const noisy = { t0: 100, t1: 1400, t2: 1405, t3: 500 };
    assert.equal(roundTrip(precise), 20);
    const est = estimateOffset([noisy, precise, noisy]);
    assert.equal(est.offsetNs, 1000);
    assert.equal(est.rttNs, 20);
    assert.equal(est.samples, 3);
  });

  it('handles an agent clock behind the controller', () => {
    const est = estimateOffset([{ t0: 5000, t1: 2010, t2: 2020, t3: 5030 }]);
    assert.equal(est.offsetNs, -3000);
  });

  it('maps instants both ways', () => {
    const clock = { offsetNs: -250 };
    assert.equal(toAgentClock(1000, clock), 750);
    assert.equal(toControllerClock(toAgentClock(1000, clock), clock), 1000);
  });

  it('refuses an empty sample list', () => {
    assert.throws(() => estimateOffset([]), /at least one/);
  });
});
