// Secrets come from an environment variable or a file; messages name the source, never the value.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ExitCode, VharnessError } from '../../harness/errors.js';
import { describeSecret, readSecret } from '../../harness/secrets.js';

test('reads from env and files; a password file loses its trailing newline, a key does not', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vh-secret-'));
  try {
    process.env.VHARNESS_TEST_SECRET = 's3cret';
    assert.equal(await readSecret({ env: 'VHARNESS_TEST_SECRET' }, 'host password'), 's3cret');
    await writeFile(join(dir, 'pw'), 'hunter2\n');
    assert.equal(await readSecret({ file: join(dir, 'pw') }, 'host password'), 'hunter2');
    await writeFile(join(dir, 'key'), '-----BEGIN KEY-----\nabc\n');
    assert.equal(await readSecret({ file: join(dir, 'key') }, 'host key'), '-----BEGIN KEY-----\nabc\n');
    assert.equal(describeSecret({ env: 'X' }), 'environment variable X');
  } finally {
    delete process.env.VHARNESS_TEST_SECRET;
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing variable or file is a config error naming the source only', async () => {
  await assert.rejects(readSecret({ env: 'VHARNESS_TEST_NOT_SET' }, 'guest-1 key'), (e: unknown) => {
    assert.ok(e instanceof VharnessError);
    assert.equal(e.exitCode, ExitCode.config);
    assert.equal(e.message, 'guest-1 key: environment variable VHARNESS_TEST_NOT_SET is not set');
    return true;
  });
  await assert.rejects(readSecret({ file: '/nonexistent/vharness/key' }, 'guest-1 key'), /guest-1 key: cannot read file \/nonexistent\/vharness\/key \(ENOENT\)/);
});
