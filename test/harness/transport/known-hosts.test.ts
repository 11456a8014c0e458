import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendKnownHost, checkHostKey, entryMatches, fingerprint, hostToken, keyTypeOf, parseKnownHosts, readKnownHosts } from '../../../harness/transport/known-hosts.js';

async function realKey(dir: string, name: string): Promise<{ blob: Buffer; line: string; sshKeygenFingerprint: string }> {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  const line = (await readFile(`${file}.pub`, 'utf8')).trim();
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64');
  const sshKeygenFingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return { blob, line, sshKeygenFingerprint };
}

function hashed(token: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(token).digest('base64')}`;
}

test('host tokens and patterns: port 22 bare, other ports bracketed, wildcards, negation', () => {
  assert.equal(hostToken('10.0.0.1', 22), '10.0.0.1');
  assert.equal(hostToken('10.0.0.1', 2222), '[10.0.0.1]:2222');
  assert.ok(entryMatches('a.example,10.0.0.1', '10.0.0.1', 22));
  assert.ok(!entryMatches('10.0.0.1', '10.0.0.1', 2222), 'a bare entry is for port 22 only');
  assert.ok(entryMatches('[10.0.0.1]:2222', '10.0.0.1', 2222));
  assert.ok(entryMatches('10.0.0.*', '10.0.0.7', 22));
  assert.ok(!entryMatches('10.0.0.*,!10.0.0.7', '10.0.0.7', 22));
  assert.ok(entryMatches(hashed('[127.0.0.11]:2222'), '127.0.0.11', 2222));
  assert.ok(!entryMatches(hashed('[127.0.0.11]:2222'), '127.0.0.12', 2222));
});

test('fingerprints equal ssh-keygen -l; match, unknown, mismatch and revoked verdicts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vh-kh-'));
  try {
    const good = await realKey(dir, 'good');
    const other = await realKey(dir, 'other');
    assert.equal(fingerprint(good.blob), good.sshKeygenFingerprint);
    assert.equal(keyTypeOf(good.blob), 'ssh-ed25519');
    const entries = parseKnownHosts(
      [
        '# comment',
        `[127.0.0.11]:2222 ${good.line}`,
        `${hashed('[127.0.0.12]:2222')} ${good.line}`,
        `@revoked [127.0.0.13]:2222 ${other.line}`,
        'malformed-line',
        '',
      ].join('\n'),
    );
    assert.equal(entries.length, 3);
    assert.deepEqual(checkHostKey(entries, '127.0.0.11', 2222, good.blob), { kind: 'match' });
    assert.deepEqual(checkHostKey(entries, '127.0.0.12', 2222, good.blob), { kind: 'match' }, 'hashed entry');
    assert.deepEqual(checkHostKey(entries, '127.0.0.99', 2222, good.blob), { kind: 'unknown' });
    assert.deepEqual(checkHostKey(entries, '127.0.0.11', 2222, other.blob), { kind: 'mismatch', known: [{ fingerprint: good.sshKeygenFingerprint, line: 2 }] });
    assert.deepEqual(checkHostKey(entries, '127.0.0.13', 2222, other.blob), { kind: 'revoked', line: 4 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('appendKnownHost writes an OpenSSH line that ssh-keygen -F finds', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vh-kh-'));
  try {
    const key = await realKey(dir, 'k');
    const file = join(dir, 'sub', 'known_hosts');
    await appendKnownHost(file, '127.0.0.11', 2200, key.blob);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.11]:2200', '-f', file], { encoding: 'utf8' });
    assert.match(found, /ssh-ed25519/);
    assert.deepEqual(checkHostKey(await readKnownHosts(file), '127.0.0.11', 2200, key.blob), { kind: 'match' });
    assert.deepEqual(await readKnownHosts(join(dir, 'missing')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
