// The controller's check of agent messages: every field's type, nested paths, the reply type
// each request expects, and the protocol version at hello.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAgentLine, replyProblem } from '../../agent/parse-message.js';
import { PROTOCOL_VERSION, type AgentMessage } from '../../agent/protocol.js';

const sysinfo = {
  hostname: 'h', os: 'linux', kernel: '6', arch: 'x64', cpuModel: 'cpu',
  flags: { avx2: true, avx512f: true, avx512_vnni: true, avx_vnni: false, amx_int8: false },
  sockets: 1, cores: 2, threads: 2, numaNodes: 1, memoryBytes: 1e9, affinity: [0, 1],
  cgroup: { version: 1, cpuset: '0-1', cpuQuota: null, memoryLimitBytes: null },
  nodeVersion: '20', onnxruntimeVersion: '1.30.0', agentVersion: '0.1.0', virtualized: true,
};
const hello = { type: 'hello', id: 1, protocol: PROTOCOL_VERSION, pid: 7, sysinfo };

function problemOf(value: unknown): string {
  const parsed = parseAgentLine(typeof value === 'string' ? value : JSON.stringify(value));
  assert.ok(!parsed.ok, 'expected a problem');
  return parsed.problem;
}

function messageOf(value: unknown): AgentMessage {
  const parsed = parseAgentLine(JSON.stringify(value));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
  return parsed.message;
}

describe('parseAgentLine', () => {
  it('accepts each message type and keeps only its declared fields', () => {
    assert.deepEqual(messageOf({ ...hello, extra: 1 }), hello);
    assert.deepEqual(messageOf({ type: 'pong', id: 2, t0: 1, t1: 2, t2: 3 }), { type: 'pong', id: 2, t0: 1, t1: 2, t2: 3 });
    assert.deepEqual(messageOf({ type: 'progress', id: 3, phase: 'measure', done: 4, total: null }), { type: 'progress', id: 3, phase: 'measure', done: 4, total: null });
    assert.deepEqual(messageOf({ type: 'error', id: null, code: 'internal', message: 'boom' }), { type: 'error', id: null, code: 'internal', message: 'boom' });
    const result = { type: 'result', id: 4, batch: 2, startedAt: 1, firstBatchMs: null, warmupDone: 0, starts: [1, 2], ends: [2, 3], peakRssBytes: 9, stopped: false };
    assert.deepEqual(messageOf(result), result);
  });

  it('says what is wrong: not JSON, not an object, no type, unknown type', () => {
    assert.equal(problemOf('{"type":'), 'a line that is not JSON');
    assert.equal(problemOf('[1]'), 'a JSON value that is not an object');
    assert.equal(problemOf({ id: 1 }), 'a message needs a string type, got nothing');
    assert.match(problemOf({ type: 'pang', id: 1 }), /^unknown message type "pang" \(expected hello, pong, .* or error\)$/);
  });

  it('names the field (nested and in arrays), what was expected and the value', () => {
    assert.equal(problemOf({ type: 'pong', id: 1, t0: 1, t1: '2', t2: 3 }), `'pong' needs t1 to be a number, got "2"`);
    assert.equal(problemOf({ type: 'pong', id: -1, t0: 1, t1: 2, t2: 3 }), `'pong' needs id to be an integer >= 0, got -1`);
    assert.equal(problemOf({ ...hello, sysinfo: { ...sysinfo, flags: { ...sysinfo.flags, avx2: 'yes' } } }), `'hello' needs sysinfo.flags.avx2 to be a boolean, got "yes"`);
    assert.equal(problemOf({ ...hello, sysinfo: { ...sysinfo, cgroup: { ...sysinfo.cgroup, version: 3 } } }), `'hello' needs sysinfo.cgroup.version to be 1 or 2 or null, got 3`);
    const result = { type: 'result', id: 4, batch: 2, startedAt: 1, firstBatchMs: null, warmupDone: 0, starts: [1, 'x'], ends: [2, 3], peakRssBytes: 9, stopped: false };
    assert.equal(problemOf(result), `'result' needs starts[1] to be a number, got "x"`);
    assert.equal(problemOf({ type: 'progress', id: 3, phase: 'cooldown', done: 4, total: null }), `'progress' needs phase to be 'waiting', 'warmup' or 'measure', got "cooldown"`);
    assert.equal(problemOf({ type: 'error', id: 1, code: 'oops', message: 'm' }).startsWith(`'error' needs code to be 'bad_request', `), true);
  });

  it('refuses a hello of another protocol version before looking at its fields', () => {
    assert.equal(problemOf({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION + 1 }), `the agent speaks protocol version ${PROTOCOL_VERSION + 1}, this controller speaks ${PROTOCOL_VERSION}`);
    assert.equal(problemOf({ type: 'hello', id: 1 }), `the agent speaks protocol version nothing, this controller speaks ${PROTOCOL_VERSION}`);
  });
});

describe('replyProblem', () => {
  it('accepts the declared reply, the declared events and error', () => {
    assert.equal(replyProblem('hello', messageOf(hello)), undefined);
    assert.equal(replyProblem('run', messageOf({ type: 'progress', id: 1, phase: 'warmup', done: 0, total: 2 })), undefined);
    assert.equal(replyProblem('bye', messageOf({ type: 'ok', id: 1 })), undefined);
    assert.equal(replyProblem('load', messageOf({ type: 'error', id: 1, code: 'busy', message: 'm' })), undefined);
  });

  it('names the request, the answer and what was expected', () => {
    assert.equal(replyProblem('ping', messageOf({ type: 'ok', id: 5 })), `'ping' request 5 was answered with 'ok', expected 'pong' or 'error'`);
    assert.equal(replyProblem('load', messageOf({ type: 'progress', id: 6, phase: 'warmup', done: 0, total: 2 })), `'load' request 6 was answered with 'progress', expected 'loaded' or 'error'`);
    assert.equal(replyProblem('run', messageOf({ type: 'ok', id: 7 })), `'run' request 7 was answered with 'ok', expected 'result', 'progress' or 'error'`);
  });
});
