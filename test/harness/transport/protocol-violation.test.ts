// The controller does not trust the agent: real agent processes that break the protocol (a line
// of garbage, another protocol version at hello, the wrong reply type, a field of the wrong
// type, an unknown message) fail the request with an AgentError (exit 5) that names the agent
// and what it sent, and the agent process is ended.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgentError, ExitCode } from '../../../harness/errors.js';
import { spawnLocalAgent } from '../../../harness/transport/local.js';
import { AgentSession } from '../../../harness/transport/session.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const misbehaving = join(root, 'test/fixtures/agents/misbehaving.mjs');

async function misbehavingSession(mode: string): Promise<AgentSession> {
  return new AgentSession(await spawnLocalAgent({ label: `host-${mode}`, agentScript: misbehaving, env: { ...process.env, VHARNESS_MISBEHAVE: mode } }));
}

const cases: { mode: string; request: 'hello' | 'ping'; problem: RegExp; received: RegExp }[] = [
  { mode: 'garbage', request: 'hello', problem: /a line that is not JSON/, received: /received "Welcome to the machine! \(not JSON\)"/ },
  { mode: 'version', request: 'hello', problem: /the agent speaks protocol version 99, this controller speaks 1/, received: /received ".*\\"protocol\\":99/ },
  { mode: 'reply', request: 'hello', problem: /'hello' request 1 was answered with 'pong', expected 'hello' or 'error'/, received: /received ".*\\"type\\":\\"pong\\"/ },
  { mode: 'field', request: 'ping', problem: /'pong' needs t1 to be a number, got "soon"/, received: /received ".*\\"t1\\":\\"soon\\"/ },
  { mode: 'unknown', request: 'hello', problem: /unknown message type "cheers" \(expected hello, pong, loaded, progress, result, served, ok or error\)/, received: /received ".*cheers/ },
];

describe('an agent that breaks the protocol', () => {
  for (const { mode, request, problem, received } of cases) {
    it(`${mode}: AgentError naming the host and what it sent; the agent is ended`, async () => {
      const session = await misbehavingSession(mode);
      try {
        const pending = request === 'hello' ? session.request('hello', {}) : session.request('ping', { t0: 0 });
        const error = await pending.then(
          () => assert.fail('the request should fail'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof AgentError, String(error));
        assert.equal(error.exitCode, ExitCode.agent);
        assert.equal(error.code, 'protocol');
        assert.match(error.message, new RegExp(`^host-${mode}: the agent broke the protocol: `));
        assert.match(error.message, problem);
        assert.match(error.message, received);
        // The instance is over: the process was killed, and later requests get the same error.
        assert.match((await session.channel.closed).reason, /SIGKILL/);
        await assert.rejects(session.request('ping', { t0: 1 }), (e: unknown) => e === error);
      } finally {
        await session.channel.destroy();
      }
    });
  }

  it('a long line is shown cut short', async () => {
    const session = await misbehavingSession('version');
    try {
      const error = await session.request('hello', {}).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof AgentError);
      const shown = /received (".*")$/.exec(error.message)?.[1] ?? '';
      assert.ok(shown.endsWith('..."') && shown.length < 100, shown);
    } finally {
      await session.channel.destroy();
    }
  });
});
