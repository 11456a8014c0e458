// spawnLocalAgent: the argv it builds, CPU pinning seen by the agent itself, spawn failures, destroy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AgentError } from '../../../harness/errors.js';
import { LOCAL_AGENT_SCRIPT, localAgentCommand, spawnLocalAgent } from '../../../harness/transport/local.js';
import { AgentSession } from '../../../harness/transport/session.js';
import { writeTinyModel } from '../../agent/tiny-onnx-fixture.js';

describe('local agent transport', () => {
  it('builds wrapper, taskset and node in that order', () => {
    assert.deepEqual(localAgentCommand({ cpus: [3, 0, 1], wrapper: ['nice', '-n', '5'] }), ['nice', '-n', '5', 'taskset', '-c', '0-1,3', process.execPath, LOCAL_AGENT_SCRIPT]);
    assert.deepEqual(localAgentCommand({}), [process.execPath, LOCAL_AGENT_SCRIPT]);
    assert.throws(() => localAgentCommand({ cpus: [] }), AgentError);
  });

  it('pins the agent: hello reports the affinity it was given', async () => {
    const session = new AgentSession(await spawnLocalAgent({ label: 'pinned', cpus: [0] }));
    try {
      const hello = await session.request('hello', {});
      assert.deepEqual(hello.sysinfo.affinity, [0]);
    } finally {
      await session.close();
    }
  });

  it('runs the agent under a wrapper command', async () => {
    const session = new AgentSession(await spawnLocalAgent({ label: 'wrapped', wrapper: ['env', 'VHARNESS_WRAPPED=1'] }));
    try {
      assert.equal((await session.request('ping', { t0: 1 })).t0, 1);
    } finally {
      await session.close();
    }
  });

  it('fails with AgentError when the agent cannot start', async () => {
    await assert.rejects(spawnLocalAgent({ label: 'broken', wrapper: ['/nonexistent/launcher'] }), (e: unknown) => e instanceof AgentError && e.message.includes('broken'));
  });

  it('destroy() ends the agent and fails its pending requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vharness-local-'));
    try {
      const model = join(dir, 'tiny.onnx');
      writeTinyModel(model);
      const channel = await spawnLocalAgent({ label: 'doomed' });
      const session = new AgentSession(channel);
      await session.request('load', { model, precision: 'fp32', intraOpThreads: 1, batch: 1 });
      const pong = await session.request('ping', { t0: 0 });
      let waiting!: () => void;
      const isWaiting = new Promise<void>((resolve) => (waiting = resolve));
      // A run that waits a minute for its start: only destroy() can end it.
      const pending = session.request('run', { warmup: 0, steps: 1, batch: 1, startAt: pong.t2 + 60e9 }, { onProgress: () => waiting() });
      await isWaiting;
      await channel.destroy();
      assert.match((await channel.closed).reason, /SIGKILL/);
      await assert.rejects(pending, (e: unknown) => e instanceof AgentError && e.code === 'closed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
