// The agent as a process: raw lines on stdin (malformed ones too), exit codes, end of input,
// and `vharness agent` through the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { AgentMessage } from '../../agent/protocol.js';
import { writeTinyModel } from './tiny-onnx-fixture.js';

const agentMain = fileURLToPath(new URL('../../agent/main.js', import.meta.url));
const cli = fileURLToPath(new URL('../../../bin/vharness.js', import.meta.url));

interface RawAgent {
  write(line: string): void;
  end(): void;
  /** The next message on stdout. */
  next(): Promise<AgentMessage>;
  exit: Promise<number | null>;
}

function rawAgent(argv: string[] = [agentMain]): RawAgent {
  const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  const queue: AgentMessage[] = [];
  const waiting: ((m: AgentMessage) => void)[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffer.slice(0, nl)) as AgentMessage;
      buffer = buffer.slice(nl + 1);
      const w = waiting.shift();
      if (w) w(message);
      else queue.push(message);
    }
  });
  child.stderr.resume();
  return {
    write: (line) => child.stdin.write(`${line}\n`),
    end: () => child.stdin.end(),
    next: () => {
      const m = queue.shift();
      return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve));
    },
    exit: new Promise((resolve) => child.once('close', (code) => resolve(code))),
  };
}

describe('agent process', () => {
  it('reports a line that is not JSON as a fatal error and exits 1', async () => {
    const agent = rawAgent();
    agent.write('{"type":"ping","id":1,"t0":0}');
    assert.equal((await agent.next()).type, 'pong');
    agent.write('this is not json');
    const error = await agent.next();
    assert.equal(error.type, 'error');
    assert.ok(error.type === 'error' && error.id === null && error.code === 'bad_request');
    assert.equal(await agent.exit, 1);
  });

  it('treats a request without an id as fatal, and a bad field as an error for that id', async () => {
    const agent = rawAgent();
    agent.write('{"type":"load","id":4,"model":"m.onnx","precision":"fp16","intraOpThreads":1,"batch":1}');
    const bad = await agent.next();
    assert.ok(bad.type === 'error' && bad.id === 4 && bad.code === 'bad_request' && bad.message.includes('precision'), JSON.stringify(bad));
    agent.write('{"type":"hello"}');
    const fatal = await agent.next();
    assert.ok(fatal.type === 'error' && fatal.id === null, JSON.stringify(fatal));
    assert.equal(await agent.exit, 1);
  });

  it('exits 0 when its input ends', async () => {
    const agent = rawAgent();
    agent.write('{"type":"hello","id":1}');
    assert.equal((await agent.next()).type, 'hello');
    agent.end();
    assert.equal(await agent.exit, 0);
  });

  it('ends a running run and exits 0 when its input ends mid-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vharness-agent-eof-'));
    try {
      const model = join(dir, 'tiny.onnx');
      writeTinyModel(model);
      const agent = rawAgent();
      agent.write(JSON.stringify({ type: 'load', id: 1, model, precision: 'fp32', intraOpThreads: 1, batch: 1 }));
      assert.equal((await agent.next()).type, 'loaded');
      agent.write(JSON.stringify({ type: 'run', id: 2, warmup: 0, steps: 1, durationMs: 600_000, batch: 1 }));
      assert.equal((await agent.next()).type, 'progress');
      agent.end();
      const result = await agent.next();
      assert.ok(result.type === 'result' && result.stopped, JSON.stringify(result).slice(0, 200));
      assert.equal(await agent.exit, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses arguments to `vharness agent`', async () => {
    const agent = rawAgent([cli, 'agent', 'extra']);
    assert.equal(await agent.exit, 2);
  });

  it('runs as `vharness agent` through the CLI', async () => {
    const agent = rawAgent([cli, 'agent']);
    agent.write('{"type":"hello","id":1}');
    const hello = await agent.next();
    assert.ok(hello.type === 'hello' && hello.sysinfo.agentVersion.length > 0);
    agent.write('{"type":"bye","id":2}');
    assert.deepEqual(await agent.next(), { type: 'ok', id: 2 });
    assert.equal(await agent.exit, 0);
  });
});
