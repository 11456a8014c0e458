// The SSH transport against real sshd guests on loopback: pinned host keys (changed key
// refused naming host and both fingerprints, unknown refused, trust-on-first-use recorded,
// hashed entries), a wrong user key with a clear message, retries on a dead port, exec/SFTP,
// an agent over SSH that breaks the protocol.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, readdir, readFile, readlink, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgentError, ExitCode, SshError } from '../../../harness/errors.js';
import { fingerprint } from '../../../harness/transport/known-hosts.js';
import { connectSsh } from '../../../harness/transport/ssh-connect.js';
import { sshAgentChannel } from '../../../harness/transport/ssh-agent-channel.js';
import { AgentSession } from '../../../harness/transport/session.js';
import { recordingLogger, startTestLab, type TestLab } from '../../lab/ssh-lab-fixture.js';

let lab: TestLab;
before(async () => {
  lab = await startTestLab(3);
});
after(async () => {
  await lab?.stop();
});

test('connects with the pinned key, runs commands, uploads files', async () => {
  const guest = lab.guest(0);
  const connection = await connectSsh(lab.endpoint(guest), lab.connectOptions(), recordingLogger());
  try {
    assert.equal((await connection.run('echo hi')).trim(), 'hi');
    const failed = await connection.exec('exit 3');
    assert.equal(failed.code, 3);
    await assert.rejects(connection.run('echo oops >&2; exit 4'), (e: unknown) => e instanceof SshError && /exit 4/.test(e.message) && /oops/.test(e.message));
    const local = join(lab.dir, 'payload.bin');
    await writeFile(local, Buffer.alloc(300_000, 7));
    const remote = join(guest.remoteDir, 'payload.bin');
    assert.equal(await connection.upload(local, remote), 300_000);
    assert.equal((await connection.run(`stat -c %s ${remote}`)).trim(), '300000');
  } finally {
    await connection.close();
  }
});

test('a changed host key is refused, naming the host and both fingerprints', async () => {
  const guest = lab.guest(0);
  const fake = join(lab.dir, 'fake_host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', fake]);
  const fakeBlob = Buffer.from((await readFile(`${fake}.pub`, 'utf8')).split(' ')[1] ?? '', 'base64');
  const knownHosts = join(lab.dir, 'known_hosts.changed');
  await writeFile(knownHosts, `[${guest.address}]:${guest.port} ssh-ed25519 ${fakeBlob.toString('base64')}\n`);
  await assert.rejects(connectSsh(lab.endpoint(guest), lab.connectOptions({ knownHosts, trustOnFirstUse: true }), recordingLogger()), (e: unknown) => {
    assert.ok(e instanceof SshError);
    assert.equal(e.exitCode, ExitCode.ssh);
    assert.match(e.message, new RegExp(`${guest.address}:${guest.port}`));
    assert.match(e.message, /CHANGED/);
    assert.ok(e.message.includes(guest.hostKeyFingerprint), 'names the key the server presented');
    assert.ok(e.message.includes(fingerprint(fakeBlob)), 'names the pinned key');
    return true;
  });
  // trust-on-first-use never overwrites a changed key
  assert.equal((await readFile(knownHosts, 'utf8')).trim().split('\n').length, 1);
});

test('an unknown host is refused unless trust-on-first-use is on, which records its key', async () => {
  const guest = lab.guest(1);
  const knownHosts = join(lab.dir, 'known_hosts.empty');
  await assert.rejects(connectSsh(lab.endpoint(guest), lab.connectOptions({ knownHosts }), recordingLogger()), /not in .*known_hosts.empty; refusing an unknown host/);
  const log = recordingLogger();
  const first = await connectSsh(lab.endpoint(guest), lab.connectOptions({ knownHosts, trustOnFirstUse: true }), log);
  await first.close();
  assert.ok(log.lines.some((l) => l.includes('trust-on-first-use') && l.includes(guest.hostKeyFingerprint)));
  assert.match(await readFile(knownHosts, 'utf8'), new RegExp(`^\\[${guest.address.replace(/\./g, '\\.')}\\]:${guest.port} ssh-ed25519 `));
  const second = await connectSsh(lab.endpoint(guest), lab.connectOptions({ knownHosts }), recordingLogger());
  await second.close();
});

test('hashed known_hosts entries (ssh-keygen -H) pin the key too', async () => {
  const guest = lab.guest(1);
  const knownHosts = join(lab.dir, 'known_hosts.hashed');
  await copyFile(lab.state.knownHosts, knownHosts);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', knownHosts], { stdio: 'ignore' });
  assert.match(await readFile(knownHosts, 'utf8'), /^\|1\|/);
  const connection = await connectSsh(lab.endpoint(guest), lab.connectOptions({ knownHosts }), recordingLogger());
  await connection.close();
});

test('a wrong user key fails at once with a clear authentication message', async () => {
  const guest = lab.guest(0);
  const wrongKey = join(lab.dir, 'wrong_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
  const log = recordingLogger();
  await assert.rejects(connectSsh({ ...lab.endpoint(guest), key: { file: wrongKey } }, lab.connectOptions({ retries: 3 }), log), (e: unknown) => {
    assert.ok(e instanceof SshError);
    assert.equal(e.exitCode, ExitCode.ssh);
    assert.match(e.message, /authentication failed for user 'root'/);
    assert.ok(e.message.includes(`key from file ${wrongKey}`));
    assert.ok(!e.message.includes('PRIVATE KEY'), 'never the key itself');
    return true;
  });
  assert.ok(!log.lines.some((l) => l.includes('retrying')), 'auth failures are not retried');
  await assert.rejects(connectSsh({ ...lab.endpoint(guest), key: { env: 'VHARNESS_TEST_UNSET_KEY' } }, lab.connectOptions(), log), /environment variable VHARNESS_TEST_UNSET_KEY is not set/);
});

test('a port nobody listens on is retried with logged backoff, then fails', async () => {
  const guest = lab.guest(0);
  const log = recordingLogger();
  await assert.rejects(connectSsh({ ...lab.endpoint(guest), port: 1 }, lab.connectOptions({ retries: 2 }), log), /ECONNREFUSED/);
  assert.deepEqual(
    log.lines.filter((l) => l.includes('retrying')),
    ['warn: guest-1: connect attempt 1/2 failed (ECONNREFUSED); retrying in 0.5 s'],
  );
});

test('an agent over SSH answering hello with the wrong reply type fails with AgentError naming it and what it sent', async () => {
  const guest = lab.guest(2);
  const connection = await connectSsh(lab.endpoint(guest), lab.connectOptions(), recordingLogger());
  try {
    const fixture = fileURLToPath(new URL('../../../../test/fixtures/agents/misbehaving.mjs', import.meta.url));
    const command = `VHARNESS_MISBEHAVE=reply exec '${process.execPath}' '${fixture}'`;
    const session = new AgentSession(await sshAgentChannel(connection, command, 'guest-3#agent'));
    const error = await session.request('hello', {}).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof AgentError, String(error));
    assert.equal(error.exitCode, ExitCode.agent);
    assert.match(error.message, /^guest-3#agent: the agent broke the protocol: 'hello' request 1 was answered with 'pong', expected 'hello' or 'error'; received ".*pong/);
    await session.channel.closed;
  } finally {
    await connection.close();
  }
});

test('an upload ends with an error, not a hang, when the guest dies mid-transfer', async () => {
  const guest = lab.guest(2);
  const connection = await connectSsh(lab.endpoint(guest), lab.connectOptions(), recordingLogger());
  const big = join(lab.dir, 'sparse.bin');
  await writeFile(big, '');
  await truncate(big, 8 * 1024 ** 3); // sparse: no local disk used; far too big to finish first
  const remote = join(guest.remoteDir, 'sparse.bin');
  const outcome = connection.upload(big, remote).then(
    () => 'finished',
    (e: unknown) => e,
  );
  // guests share this filesystem: wait until bytes land, then kill the guest
  while (((await stat(remote).catch(() => undefined))?.size ?? 0) === 0) await new Promise((r) => setTimeout(r, 10));
  const { stopGuest } = await import('../../../harness/lab/guests.js');
  await stopGuest(guest);
  const error = await outcome;
  assert.ok(error instanceof SshError, `rejected with SshError, got ${String(error)}`);
  assert.match(error.message, /upload of .*sparse\.bin/);
  await rm(remote, { force: true });
});

/** Host pids of every process in the guest's PID namespace. */
async function namespacePids(innerPid: number): Promise<number[]> {
  const ns = await readlink(`/proc/${innerPid}/ns/pid`);
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const link = await readlink(`/proc/${entry}/ns/pid`).catch(() => undefined);
    if (link === ns) pids.push(Number(entry));
  }
  return pids;
}

test('a frozen guest is detected by keepalive and the connection ends', async () => {
  const guest = lab.guest(0);
  assert.ok(guest.innerPid !== null);
  const connection = await connectSsh(lab.endpoint(guest), lab.connectOptions({ keepaliveIntervalMs: 300, keepaliveCountMax: 2 }), recordingLogger());
  const channel = await sshAgentChannel(connection, 'exec cat', 'guest-1#cat');
  const frozen = await namespacePids(guest.innerPid);
  assert.ok(frozen.length >= 2, 'sshd and the session');
  for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  try {
    const reason = await connection.closed;
    assert.match(reason, /connection lost \(Keepalive timeout\)/);
    assert.match((await channel.closed).reason, /Keepalive timeout/);
  } finally {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
  }
});

test('an agent channel over SSH ends with the connection when the guest dies', async () => {
  const guest = lab.guest(1);
  const connection = await connectSsh(lab.endpoint(guest), lab.connectOptions(), recordingLogger());
  const channel = await sshAgentChannel(connection, 'exec cat', 'guest-2#cat');
  const echoed = new Promise<unknown>((resolve) => channel.onMessage((_parsed, line) => resolve(JSON.parse(line))));
  channel.send({ type: 'hello', id: 1 });
  assert.deepEqual(await echoed, { type: 'hello', id: 1 });
  const { stopGuest } = await import('../../../harness/lab/guests.js');
  await stopGuest(guest);
  const closed = await channel.closed;
  assert.match(closed.reason, /connection|channel closed/);
  assert.ok(connection.isClosed);
  await assert.rejects(connection.exec('true'), SshError);
});
