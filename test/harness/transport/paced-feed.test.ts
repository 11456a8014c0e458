// Paced transfers into real sshd guests: the bytes arrive intact with at most the limit
// unacknowledged, a peer that stops reading gets the whole window after the stall time, and
// a command that exits without reading ends the feed instead of hanging it.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { connectSsh } from '../../../harness/transport/ssh-connect.js';
import type { SshConnection } from '../../../harness/transport/ssh-connection.js';
import { feedPaced, type FeedResult } from '../../../harness/transport/paced-feed.js';
import { recordingLogger, startTestLab, type TestLab } from '../../lab/ssh-lab-fixture.js';

let lab: TestLab;
let connection: SshConnection;
const data = randomBytes(3 * 1024 * 1024 + 123);
const sha256 = createHash('sha256').update(data).digest('hex');
let file: string;

before(async () => {
  lab = await startTestLab(1);
  connection = await connectSsh(lab.endpoint(lab.guest(0)), lab.connectOptions(), recordingLogger());
  file = join(lab.dir, 'payload.bin');
  await writeFile(file, data);
});
after(async () => {
  await connection?.close();
  await lab?.stop();
});

/** Feeds `input` into `command` on the guest; answers the feed's result and the command's stdout. */
async function feed(command: string, input: Readable, options: Parameters<typeof feedPaced>[2]): Promise<{ result: FeedResult; stdout: string; code: number | null }> {
  const channel = await connection.openChannel(command);
  let stdout = '';
  let code: number | null = null;
  channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  channel.stderr.resume();
  channel.on('exit', (c: number | null) => (code = c));
  const closed = new Promise((resolve) => channel.once('close', resolve));
  const result = await feedPaced(channel, input, options);
  await closed;
  return { result, stdout, code };
}

test('a paced transfer arrives intact with at most the limit unacknowledged', async () => {
  const limit = 256 * 1024;
  // A long stall time: a very busy machine may delay an acknowledgement past the default 2 s.
  const { result, stdout, code } = await feed('sha256sum', createReadStream(file, { highWaterMark: 1 << 20 }), { limit, stallMs: 30_000 });
  assert.equal(code, 0);
  assert.equal(stdout.split(' ')[0], sha256);
  assert.equal(result.bytes, data.length);
  assert.equal(result.paced, true, "sshd's 2 MB window is larger than the limit");
  assert.equal(result.stalled, false);
  assert.ok(result.maxInFlight > 0 && result.maxInFlight <= limit, `at most ${limit} bytes in flight, saw ${result.maxInFlight}`);
});

test('a peer that stops reading gets the whole window after the stall time, and the data still arrives', async () => {
  const { result, stdout } = await feed('sleep 1; sha256sum', Readable.from([data]), { limit: 256 * 1024, stallMs: 100 });
  assert.equal(result.stalled, true, 'nothing was acknowledged while the command slept');
  assert.ok(result.maxInFlight > 256 * 1024, `more than the limit went out once pacing was lifted (${result.maxInFlight})`);
  assert.equal(stdout.split(' ')[0], sha256);
});

test('a command that exits without reading ends the feed (no hang) and keeps its exit status', async () => {
  const input = createReadStream(file, { highWaterMark: 64 * 1024 });
  const { result, code } = await feed('exit 3', input, { limit: 128 * 1024 });
  assert.equal(code, 3);
  assert.ok(result.bytes < data.length, `the feed stopped early (${result.bytes} of ${data.length} bytes)`);
  assert.equal(input.destroyed, true, 'the file is closed');
});

test('pipeFile and offerFile carry a file through the paced feed', async () => {
  const piped = await connection.pipeFile(file, 'sha256sum');
  assert.equal(piped.stdout.split(' ')[0], sha256);
  const offered = await connection.offerFile(file, 'echo send; sha256sum');
  assert.deepEqual(offered.stdout.trim().split('\n').map((l) => l.split(' ')[0]), ['send', sha256]);
  const declined = await connection.offerFile(file, 'echo present; wc -c');
  assert.deepEqual(declined.stdout.trim().split('\n').map((l) => l.trim()), ['present', '0'], 'no bytes when the command does not ask');
});
