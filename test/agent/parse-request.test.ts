import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestLine } from '../../agent/parse-request.js';

describe('parseRequestLine', () => {
  it('accepts each request type with its fields', () => {
    assert.deepEqual(parseRequestLine('{"type":"ping","id":3,"t0":17}'), { ok: true, request: { type: 'ping', id: 3, t0: 17 } });
    const run = parseRequestLine('{"type":"run","id":4,"warmup":2,"steps":0,"durationMs":500,"batch":8}');
    assert.deepEqual(run, { ok: true, request: { type: 'run', id: 4, warmup: 2, steps: 0, durationMs: 500, batch: 8 } });
    const load = parseRequestLine(`{"type":"load","id":5,"model":"/m.onnx","precision":"int8","intraOpThreads":2,"batch":1,"sha256":"${'a'.repeat(64)}"}`);
    assert.ok(load.ok && load.request.type === 'load' && load.request.sha256 === 'a'.repeat(64));
  });
  it('accepts serve with its optional fields, and checks them', () => {
    const serve = parseRequestLine('{"type":"serve","id":6,"scenario":"server","warmup":1,"qps":50.5,"seed":3,"minQueries":100,"minDurationMs":0,"maxBatch":4,"maxQueueDelayMs":2}');
    assert.deepEqual(serve, { ok: true, request: { type: 'serve', id: 6, scenario: 'server', warmup: 1, minQueries: 100, minDurationMs: 0, qps: 50.5, seed: 3, maxBatch: 4, maxQueueDelayMs: 2 } });
    const bad = parseRequestLine('{"type":"serve","id":7,"scenario":"batch","warmup":1,"minQueries":1,"minDurationMs":0}');
    assert.deepEqual(bad, { ok: false, id: 7, message: `'serve' needs scenario to be 'server' or 'offline', got "batch"` });
    const rate = parseRequestLine('{"type":"serve","id":8,"scenario":"server","warmup":1,"minQueries":1,"minDurationMs":0,"qps":-1}');
    assert.ok(!rate.ok && rate.message.includes('qps'));
  });
  it('names the field and the value it got', () => {
    const bad = parseRequestLine('{"type":"run","id":4,"warmup":-1,"steps":1,"batch":1}');
    assert.deepEqual(bad, { ok: false, id: 4, message: "'run' needs warmup to be an integer >= 0, got -1" });
    const sha = parseRequestLine('{"type":"load","id":5,"model":"/m","precision":"fp32","intraOpThreads":1,"batch":1,"sha256":"xyz"}');
    assert.ok(!sha.ok && sha.id === 5 && sha.message.includes('"xyz"'));
  });
  it('has no id to answer for malformed lines', () => {
    assert.equal(parseRequestLine('{oops').ok, false);
    const r = parseRequestLine('[1,2]');
    assert.ok(!r.ok && r.id === null);
    const noId = parseRequestLine('{"type":"hello","id":"1"}');
    assert.ok(!noId.ok && noId.id === null);
  });
  it('answers an unknown type by id', () => {
    const r = parseRequestLine('{"type":"reboot","id":9}');
    assert.ok(!r.ok && r.id === 9 && r.message.includes('reboot'));
  });
});
