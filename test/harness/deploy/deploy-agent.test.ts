// Deploying the agent to real sshd guests: content-addressed bundles (a second deploy moves
// 0 bytes and says so), a guest without node gets the bundled runtime and the agent answers
// over it, a guest without tar/gzip gets the files over SFTP, models staged once per sha256.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { agentCommand, deployAgent } from '../../../harness/deploy/deploy-agent.js';
import { stageModel } from '../../../harness/deploy/stage-model.js';
import { agentBundle } from '../../../harness/deploy/agent-bundle.js';
import { zstdHere } from '../../../harness/deploy/archive-formats.js';
import { RemoteHost } from '../../../harness/deploy/remote-host.js';
import { SshPool } from '../../../harness/transport/ssh-pool.js';
import { SshError } from '../../../harness/errors.js';
import { AgentSession } from '../../../harness/transport/session.js';
import { sshAgentChannel } from '../../../harness/transport/ssh-agent-channel.js';
import { connectSsh } from '../../../harness/transport/ssh-connect.js';
import type { SshConnection } from '../../../harness/transport/ssh-connection.js';
import { writeTinyModel } from '../../agent/tiny-onnx-fixture.js';
import { recordingLogger, startTestLab, type TestLab } from '../../lab/ssh-lab-fixture.js';

let lab: TestLab;
const connections: SshConnection[] = [];
before(async () => {
  lab = await startTestLab(3, [2]);
});
after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await lab?.stop();
});

async function connect(index: number): Promise<SshConnection> {
  const connection = await connectSsh(lab.endpoint(lab.guest(index)), lab.connectOptions(), recordingLogger());
  connections.push(connection);
  return connection;
}

/** Hides tools from a guest: empty, non-executable files bound over them in its own mount namespace only. */
function hideTools(index: number, tools: string[]): void {
  const guest = lab.guest(index);
  assert.ok(guest.innerPid !== null);
  const empty = join(guest.dir, 'not-a-tool');
  execFileSync('sh', ['-c', `: > '${empty}' && chmod 644 '${empty}'`]);
  for (const tool of tools) {
    const path = realpathSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim());
    execFileSync('nsenter', ['-t', String(guest.innerPid), '-m', '--', 'mount', '--bind', empty, path]);
  }
}

async function hello(connection: SshConnection, command: string): Promise<AgentSession> {
  const session = new AgentSession(await sshAgentChannel(connection, command, `${connection.host}#test`));
  await session.request('hello', {}, { timeoutMs: 60_000 });
  return session;
}

test('a second deploy to the same guest uploads nothing and says so', async () => {
  const connection = await connect(0);
  const guest = lab.guest(0);
  const first = recordingLogger();
  const cold = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, first);
  assert.equal(cold.nodeKind, 'system');
  assert.ok(cold.bytesMoved > 1_000_000, `the cold deploy sends onnxruntime (${cold.bytesMoved} bytes)`);
  const format = (await zstdHere()) ? 'tar.zst' : 'tar.gz';
  assert.ok(first.lines.some((l) => /agent bundle [0-9a-f]{12} uploaded: \d+ files/.test(l) && l.includes(`(${format})`)), first.lines.join('\n'));
  const second = recordingLogger();
  const warm = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, second);
  assert.equal(warm.bytesMoved, 0);
  assert.equal(warm.agentDir, cold.agentDir);
  assert.ok(second.lines.includes(`info: guest-1: agent bundle ${cold.agentDir.slice(-64, -52)} already deployed, 0 bytes uploaded`), second.lines.join('\n'));
  assert.ok(second.lines.includes('info: guest-1: agent deployed (0 B moved)'));
  const session = await hello(connection, agentCommand(warm));
  await session.close();
  assert.equal(session.closed?.reason, 'agent exited with code 0', 'bye ends the remote agent');
});

test('an interrupted upload (no completion marker) is redone', async () => {
  const connection = await connect(0);
  const guest = lab.guest(0);
  const deployed = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, recordingLogger());
  await connection.run(`rm ${deployed.agentDir}/.complete ${deployed.agentDir}/agent.mjs`);
  const again = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, recordingLogger());
  assert.ok(again.bytesMoved > 0);
  assert.equal((await connection.exec(`test -f ${deployed.agentDir}/agent.mjs`)).code, 0);
});

test('a guest without node gets the bundled runtime; node: system there is refused; without zstd, tar.gz', async () => {
  hideTools(1, ['zstd']);
  const connection = await connect(1);
  const guest = lab.guest(1);
  assert.notEqual((await connection.exec('node --version')).code, 0, 'the guest has no runnable node');
  await assert.rejects(deployAgent(connection, { dir: guest.remoteDir, node: 'system' }, recordingLogger()), (e: unknown) => e instanceof SshError && /no node on the host's PATH/.test(e.message));
  const log = recordingLogger();
  const deployed = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, log);
  assert.equal(deployed.nodeKind, 'bundled');
  assert.ok(deployed.node.startsWith(`${guest.remoteDir}/bundles/`) && deployed.node.endsWith('/node'));
  assert.ok(log.lines.some((l) => l.includes('no node on PATH; using the bundled node')));
  assert.ok(log.lines.some((l) => /agent bundle [0-9a-f]{12} uploaded: .*\(tar\.gz\)/.test(l)), log.lines.join('\n'));
  assert.equal((await connection.run(`${deployed.node} --version`)).trim(), process.version);
  const session = await hello(connection, agentCommand(deployed));
  await session.close();
  const warm = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, recordingLogger());
  assert.equal(warm.bytesMoved, 0, 'the bundled node is content-addressed too');
});

test('models are staged once per sha256', async () => {
  const connection = await connect(0);
  const guest = lab.guest(0);
  const model = join(lab.dir, 'tiny.onnx');
  writeTinyModel(model);
  const sha256 = createHash('sha256').update(await readFile(model)).digest('hex');
  const first = await stageModel(connection, guest.remoteDir, model, sha256, recordingLogger());
  assert.equal(first.path, `${guest.remoteDir}/models/${sha256}.onnx`);
  assert.ok(first.bytesMoved > 0);
  assert.equal((await connection.run(`sha256sum ${first.path}`)).split(' ')[0], sha256);
  const second = await stageModel(connection, guest.remoteDir, model, sha256, recordingLogger());
  assert.equal(second.bytesMoved, 0);
  assert.equal((await connection.run(`ls ${guest.remoteDir}/models`)).trim(), `${sha256}.onnx`, 'no partial files left');
});

test('a guest without tar and gzip gets the bundle file by file over SFTP, and the agent runs', async () => {
  const guest = lab.guest(2);
  hideTools(2, ['tar', 'gzip', 'zstd']);
  const connection = await connect(2);
  assert.notEqual((await connection.exec('tar --version')).code, 0, 'the guest has no runnable tar');
  const log = recordingLogger();
  const deployed = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, log);
  const bundle = await agentBundle();
  assert.ok(log.lines.some((l) => l.includes(`(sftp)`) && l.includes(`${bundle.files.length} files`)), log.lines.join('\n'));
  assert.equal(deployed.bytesMoved, bundle.bytes, 'every file went uncompressed');
  assert.equal(deployed.filesMoved, bundle.files.length);
  const marker = JSON.parse(await connection.run(`cat ${deployed.agentDir}/.complete`)) as { hash: string; files: number };
  assert.deepEqual([marker.hash, marker.files], [bundle.hash, bundle.files.length]);
  const session = await hello(connection, agentCommand(deployed));
  await session.close();
  const warm = await deployAgent(connection, { dir: guest.remoteDir, node: 'auto' }, recordingLogger());
  assert.equal(warm.bytesMoved, 0, 'the marker written after SFTP makes the next deploy move nothing');
});

test('a host whose deploy saw the model staged stages it with no command; a new model is uploaded', async () => {
  const guest = lab.guest(0);
  const model = join(lab.dir, 'tiny-host.onnx');
  writeTinyModel(model);
  const sha256 = createHash('sha256').update(await readFile(model)).digest('hex');
  await stageModel(await connect(0), guest.remoteDir, model, sha256, recordingLogger());
  const log = recordingLogger();
  const pool = new SshPool({ ...lab.connectOptions(), concurrency: 2 }, log);
  try {
    const host = new RemoteHost({ ...lab.endpoint(guest), dir: guest.remoteDir, node: 'auto' }, pool, log);
    assert.equal(await host.stageModel(model, sha256), `${guest.remoteDir}/models/${sha256}.onnx`);
    assert.ok(log.lines.includes(`debug: guest-1: model ${sha256.slice(0, 12)} already there (seen at deploy), 0 bytes uploaded`), log.lines.join('\n'));
    const other = join(lab.dir, 'other.onnx');
    await writeFile(other, 'not a model, just bytes to stage');
    const otherSha = createHash('sha256').update(await readFile(other)).digest('hex');
    const path = await host.stageModel(other, otherSha);
    assert.equal((await (await host.connection()).run(`cat ${path}`)), 'not a model, just bytes to stage');
    assert.equal(host.bytesMoved, 32);
  } finally {
    await pool.closeAll();
  }
});

test('staging where the models directory cannot be made fails with the host\'s reason and leaves nothing', async () => {
  const connection = await connect(0);
  const model = join(lab.dir, 'tiny-fail.onnx');
  writeTinyModel(model);
  const sha256 = createHash('sha256').update(await readFile(model)).digest('hex');
  const root = `${lab.guest(0).remoteDir}/a-file`;
  await connection.run(`: > ${root}`);
  await assert.rejects(stageModel(connection, root, model, sha256, recordingLogger()), (e: unknown) => e instanceof SshError && e.message.includes(`staging model ${sha256.slice(0, 12)}`) && /exit 1.*Not a directory/.test(e.message));
  assert.equal((await connection.run(`cat ${root}`)), '', 'nothing written');
});
