// The bundle's tar.gz: system tar unpacks it into exactly the bundle's files (content, mode),
// long paths included, and the same bundle gives the same archive bytes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import type { Bundle, BundleFile } from '../../../harness/deploy/agent-bundle.js';
import { bundleArchive } from '../../../harness/deploy/bundle-archive.js';

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'vharness-archive-'));
after(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, content: Buffer | string, target: string, mode: number): Promise<BundleFile> {
  const source = join(dir, name);
  await writeFile(source, content);
  return { source, target, bytes: (await stat(source)).size, mode };
}

test('system tar unpacks the archive into the bundle files, byte for byte, modes kept', async () => {
  const long = `node_modules/${'deep/'.repeat(25)}binding.node`;
  assert.ok(long.length > 100);
  const files = [
    await file('a', 'export const x = 1;\n', 'agent.mjs', 0o644),
    await file('b', Buffer.alloc(70_001, 7), 'node_modules/onnxruntime-node/lib.so.1', 0o755),
    await file('c', '', 'empty.json', 0o644),
    await file('d', 'long', long, 0o755),
  ];
  const bundle: Bundle = { kind: 'agent', hash: 'f'.repeat(64), files, bytes: files.reduce((s, f) => s + f.bytes, 0) };
  const archive = await bundleArchive(bundle, join(dir, 'cache'));
  assert.ok(archive.bytes < bundle.bytes, 'compressed');
  const out = join(dir, 'out');
  await run('mkdir', ['-p', out]);
  await run('tar', ['-xzf', archive.path, '-C', out]);
  for (const f of files) {
    const got = await readFile(join(out, f.target));
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(await readFile(f.source)).digest('hex'), f.target);
    assert.equal((await stat(join(out, f.target))).mode & 0o777, f.mode, f.target);
  }
  // Built once: a second call answers the cached file.
  const again = await bundleArchive(bundle, join(dir, 'cache'));
  assert.deepEqual(again, archive);
});
