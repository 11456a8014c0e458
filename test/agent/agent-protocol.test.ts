// The agent's protocol end to end: a real agent process (spawnLocalAgent) running onnxruntime
// on a tiny generated model.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileSha256 } from '../../agent/infer.js';
import type { AgentMessage, ProgressEvent, Request } from '../../agent/protocol.js';
import { AgentError } from '../../harness/errors.js';
import { AgentSession } from '../../harness/transport/session.js';
import { spawnLocalAgent } from '../../harness/transport/local.js';
import { writeTinyModel } from './tiny-onnx-fixture.js';

let dir: string;
let model: string;

async function open(): Promise<AgentSession> {
  return new AgentSession(await spawnLocalAgent({ label: 'test' }));
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof AgentError && error.code === code);
}

async function loadTiny(session: AgentSession, extra: { sha256?: string; batch?: number } = {}) {
  return session.request('load', { model, precision: 'fp32', intraOpThreads: 1, batch: extra.batch ?? 2, ...(extra.sha256 ? { sha256: extra.sha256 } : {}) });
}

describe('agent protocol', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vharness-agent-'));
    model = join(dir, 'tiny.onnx');
    writeTinyModel(model);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers hello with its sysinfo, ping with agent times, and exits 0 on bye', async () => {
    const session = await open();
    const hello = await session.request('hello', {});
    assert.equal(hello.protocol, 1);
    assert.ok(hello.pid > 0);
    const info = hello.sysinfo;
    assert.equal(info.nodeVersion, process.versions.node);
    assert.match(info.onnxruntimeVersion, /^\d+\.\d+\.\d+/);
    assert.ok(info.threads >= 1 && info.cores >= 1 && info.sockets >= 1 && info.numaNodes >= 1);
    assert.ok(info.affinity.length >= 1);
    assert.ok(info.memoryBytes > 0);
    assert.equal(typeof info.flags.avx2, 'boolean');
    assert.ok(info.cpuModel.length > 0);

    const pong = await session.request('ping', { t0: 12345 });
    assert.equal(pong.t0, 12345);
    assert.ok(pong.t1 > 0 && pong.t2 >= pong.t1);

    const ok = await session.request('bye', {});
    assert.equal(ok.type, 'ok');
    const closed = await session.channel.closed;
    assert.equal(closed.exitCode, 0);
  });

  it('leaves no onnxruntime telemetry file behind (ORT_DISABLE_TELEMETRY)', async () => {
    const session = await open();
    const hello = await session.request('hello', {});
    await loadTiny(session);
    await session.request('run', { warmup: 1, steps: 2, batch: 2 });
    await session.request('bye', {});
    await session.channel.closed;
    // onnxruntime-node 1.30's 1DS telemetry client writes this file on the first session when enabled.
    assert.equal(existsSync(join(tmpdir(), `mat-debug-${hello.pid}.log`)), false);
  });

  it('loads a model (checking its sha256) and runs a fixed number of steps with raw samples', async () => {
    const session = await open();
    try {
      const loaded = await loadTiny(session, { sha256: await fileSha256(model) });
      assert.equal(loaded.inputName, 'input');
      assert.deepEqual(loaded.inputShape, ['N', 3, 16, 16]);
      assert.equal(loaded.outputName, 'logits');
      assert.equal(loaded.intraOpThreads, 1);
      assert.equal(loaded.interOpThreads, 1);
      assert.ok(loaded.loadMs > 0 && loaded.rssBytes > 0);

      const phases = new Set<string>();
      const result = await session.request('run', { warmup: 3, steps: 25, batch: 2 }, { onProgress: (p) => phases.add(p.phase) });
      assert.equal(result.batch, 2);
      assert.equal(result.warmupDone, 3);
      assert.equal(result.stopped, false);
      assert.ok(result.firstBatchMs !== null && result.firstBatchMs > 0);
      assert.equal(result.starts.length, 25);
      assert.equal(result.ends.length, 25);
      for (let i = 0; i < 25; i++) {
        assert.ok((result.ends[i] as number) > (result.starts[i] as number), `batch ${i} ends after it starts`);
        if (i > 0) assert.ok((result.starts[i] as number) >= (result.ends[i - 1] as number), `batch ${i} starts after batch ${i - 1} ends`);
      }
      assert.ok((result.starts[0] as number) >= result.startedAt);
      assert.ok(phases.has('warmup') && phases.has('measure'));
      assert.ok(result.peakRssBytes > 0);

      // A different batch in run than in load: the agent makes the new input itself.
      const other = await session.request('run', { warmup: 0, steps: 2, batch: 3 });
      assert.equal(other.batch, 3);
      assert.equal(other.firstBatchMs, null);
      assert.equal(other.starts.length, 2);
    } finally {
      await session.close();
    }
  });

  it('runs for a duration with steps as the minimum, and waits for startAt', async () => {
    const session = await open();
    try {
      await loadTiny(session);
      const pong = await session.request('ping', { t0: 0 });
      const startAt = pong.t2 + 150e6;
      const phases: ProgressEvent['phase'][] = [];
      const durationMs = 300;
      const result = await session.request('run', { startAt, warmup: 1, steps: 4, durationMs, batch: 2 }, { onProgress: (p) => phases.push(p.phase) });
      assert.equal(phases[0], 'waiting');
      assert.ok(result.startedAt >= startAt, 'warmup began at or after startAt');
      assert.ok(result.starts.length >= 4);
      // The measured span, first start to last end, covers the duration (what the controller checks).
      const measured = (result.ends.at(-1) as number) - (result.starts[0] as number);
      assert.ok(measured >= durationMs * 1e6, `measured ${measured / 1e6} ms for a ${durationMs} ms run`);
    } finally {
      await session.close();
    }
  });

  it('stops a running run early and still answers with its samples', async () => {
    const session = await open();
    try {
      await loadTiny(session);
      let sawMeasured!: () => void;
      const measuring = new Promise<void>((resolve) => (sawMeasured = resolve));
      const running = session.request('run', { warmup: 1, steps: 1, durationMs: 600_000, batch: 2, progressEveryMs: 10 }, {
        onProgress: (p) => {
          if (p.phase === 'measure' && p.done > 0) sawMeasured();
        },
      });
      await measuring;
      await rejectsWithCode(session.request('run', { warmup: 0, steps: 1, batch: 2 }), 'busy');
      await rejectsWithCode(loadTiny(session), 'busy');
      const ok = await session.request('stop', {});
      assert.equal(ok.type, 'ok');
      const result = await running;
      assert.equal(result.stopped, true);
      assert.ok(result.starts.length > 0);
      assert.equal(result.starts.length, result.ends.length);
      // The agent is ready for the next run.
      const next = await session.request('run', { warmup: 0, steps: 1, batch: 2 });
      assert.equal(next.stopped, false);
    } finally {
      await session.close();
    }
  });

  it('answers each bad request with an error and stays alive', async () => {
    const session = await open();
    try {
      await rejectsWithCode(session.request('run', { warmup: 0, steps: 1, batch: 1 }), 'not_loaded');
      await rejectsWithCode(session.request('load', { model: join(dir, 'missing.onnx'), precision: 'fp32', intraOpThreads: 1, batch: 1 }), 'model_not_found');
      await rejectsWithCode(loadTiny(session, { sha256: '0'.repeat(64) }), 'model_checksum');
      await rejectsWithCode(session.request('load', { model: dir, precision: 'fp32', intraOpThreads: 1, batch: 1 }), 'model_not_found');
      await rejectsWithCode(session.request('load', { model, precision: 'fp32', intraOpThreads: 0, batch: 1 }), 'bad_request');
      // An unknown request type, sent around the typed API.
      const answer = new Promise<AgentMessage>((resolve) => session.channel.onMessage((m) => m.ok && m.message.id === 9999 && resolve(m.message)));
      session.channel.send({ type: 'warp', id: 9999 } as unknown as Request);
      const unknown = await answer;
      assert.ok(unknown.type === 'error' && unknown.code === 'bad_request' && unknown.message.includes('warp'), JSON.stringify(unknown));
      // An input too big to allocate: out_of_memory, and the agent carries on.
      await rejectsWithCode(loadTiny(session, { batch: 2 ** 40 }), 'out_of_memory');
      await loadTiny(session);
      await rejectsWithCode(session.request('run', { warmup: 0, steps: 1, batch: 2 ** 40 }), 'out_of_memory');
      await rejectsWithCode(session.request('run', { warmup: 0, steps: 0, batch: 1 }), 'bad_request');
      await rejectsWithCode(session.request('run', { warmup: 0, steps: 1, batch: 1, durationMs: -5 }), 'bad_request');
      const pong = await session.request('ping', { t0: 1 });
      assert.equal(pong.type, 'pong');
    } finally {
      await session.close();
    }
  });
});
