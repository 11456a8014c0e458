import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useTempCache } from './temp-cache.js';
import { ensureModel } from '../../model/resolve.js';
import { buildModel } from '../../model/build.js';
import { ModelFailure } from '../../model/model-failure.js';
import { GraphWriter, batchedValueInfo } from '../../model/graph-writer.js';
import { encodeModel, sha256Hex } from '../../model/onnx-file.js';
import { floatTensor } from '../../model/tensor-data.js';

let cache: ReturnType<typeof useTempCache>;
before(() => {
  cache = useTempCache();
});
after(() => cache.cleanup());

test('an arch name is built once, then served from the content-named cache', async () => {
  const first = await ensureModel('tiny', 'fp32');
  assert.equal(first.arch, 'tiny');
  assert.equal(first.precision, 'fp32');
  assert.equal(first.seed, 1);
  assert.deepEqual(first.inputShape, [3, 32, 32]);
  assert.equal(first.classes, 10);
  assert.ok(first.path.startsWith(join(cache.dir, 'models')));
  assert.equal(first.path, join(cache.dir, 'models', `${first.sha256}.onnx`));
  assert.equal(sha256Hex(await readFile(first.path)), first.sha256);
  const mtime = (await stat(first.path)).mtimeMs;
  const second = await ensureModel('tiny', 'fp32');
  assert.deepEqual(second, first);
  assert.equal((await stat(first.path)).mtimeMs, mtime, 'not rewritten');
  const index = JSON.parse(await readFile(join(cache.dir, 'models', 'index.json'), 'utf8')) as { entries: Record<string, unknown> };
  assert.ok(Object.keys(index.entries).some((k) => k.startsWith('tiny|fp32|seed=1|')));
});

test('another seed is another model; --out copies the file under a readable name', async () => {
  const other = await ensureModel('tiny', 'fp32', { seed: 2 });
  const base = await ensureModel('tiny', 'fp32');
  assert.notEqual(other.sha256, base.sha256);
  const out = join(cache.dir, 'out');
  const copy = await buildModel({ arch: 'tiny', precision: 'fp32', seed: 2, outDir: out });
  assert.equal(copy.path, join(out, 'tiny-fp32-s2.onnx'));
  assert.equal(sha256Hex(await readFile(copy.path)), other.sha256);
});

test('a path to an fp32 file is described from its graph', async () => {
  const built = await ensureModel('tiny', 'fp32');
  const copy = join(cache.dir, 'mine.onnx');
  await writeFile(copy, await readFile(built.path));
  const info = await ensureModel(copy, 'fp32');
  assert.equal(info.arch, 'mine');
  assert.equal(info.seed, null);
  assert.equal(info.sha256, built.sha256);
  assert.equal(info.params, built.params);
  assert.equal(info.macsPerImage, built.macsPerImage);
  assert.equal(info.inputName, 'input');
});

function assertModelFailure(message: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ModelFailure, `expected a ModelFailure, got ${String(error)}`);
    assert.equal(error.kind, 'model');
    assert.match(error.message, message);
    return true;
  };
}

test('bad input: missing file, unknown name, not ONNX, wrong input rank -> ModelFailure naming the problem', async () => {
  await assert.rejects(ensureModel(join(cache.dir, 'nope.onnx'), 'fp32'), assertModelFailure(/nope\.onnx: no such file/));
  await assert.rejects(ensureModel('resnet51', 'fp32'), assertModelFailure(/unknown model 'resnet51'/));
  const text = join(cache.dir, 'text.onnx');
  await writeFile(text, 'this is not a model\n');
  await assert.rejects(ensureModel(text, 'fp32'), assertModelFailure(/text\.onnx: not an ONNX model/));
  const empty = join(cache.dir, 'empty.onnx');
  await writeFile(empty, '');
  await assert.rejects(ensureModel(empty, 'int8'), assertModelFailure(/not an ONNX model/));
  // A valid ONNX model whose input is [N, 16] features, not an image batch.
  const g = new GraphWriter();
  g.initializer(floatTensor('w', [4, 16], new Float32Array(64)));
  g.node('Gemm', ['x', 'w'], ['y'], 'fc', { transB: 1 });
  const flat = join(cache.dir, 'flat.onnx');
  await writeFile(flat, encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph: { name: 'flat', node: g.nodes, initializer: g.initializers, input: [batchedValueInfo('x', [16])], output: [batchedValueInfo('y', [4])] } }));
  await assert.rejects(ensureModel(flat, 'fp32'), assertModelFailure(/input 'x' has rank 2, expected a 4-D image batch/));
  await assert.rejects(ensureModel(flat, 'int8'), assertModelFailure(/rank 2/));
});

test('concurrent requests for one model share a single build', async () => {
  const lines: string[] = [];
  const [a, b] = await Promise.all([
    ensureModel('tiny', 'fp32', { seed: 9, log: (m) => lines.push(`a ${m}`) }),
    ensureModel('tiny', 'fp32', { seed: 9, log: (m) => lines.push(`b ${m}`) }),
  ]);
  assert.equal(a.sha256, b.sha256);
  assert.equal(lines.filter((l) => l.endsWith('tiny: stem')).length, 1, lines.join('\n'));
});
