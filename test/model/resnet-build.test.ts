import { test } from 'node:test';
import assert from 'node:assert/strict';
import { architectures } from '../../model/resnet-arch.js';
import { buildResnet } from '../../model/resnet-build.js';
import { decodeModel, sha256Hex, defaultOpset, int64 } from '../../model/onnx-file.js';
import { graphStats } from '../../model/graph-stats.js';

test('tiny: same seed gives byte-identical files, another seed a different file', () => {
  const a = buildResnet(architectures.tiny, { seed: 1 });
  const b = buildResnet(architectures.tiny, { seed: 1 });
  const c = buildResnet(architectures.tiny, { seed: 2 });
  assert.equal(sha256Hex(a), sha256Hex(b));
  assert.notEqual(sha256Hex(a), sha256Hex(c));
});

test('tiny seed 1 has a pinned sha256 (same bytes on every machine; bump BUILDER_VERSION when it changes)', () => {
  assert.equal(sha256Hex(buildResnet(architectures.tiny, { seed: 1 })), TINY_SEED1_SHA256);
});

test('resnet50 graph: ResNet-50 v1.5 shapes, 25.53 M params and 4.09 GMAC per image, from the graph alone', () => {
  const bytes = buildResnet(architectures.resnet50, { seed: 1, structureOnly: true });
  const model = decodeModel(bytes, 'resnet50');
  assert.equal(int64(model.irVersion), 8);
  assert.equal(defaultOpset(model), 17);
  const stats = graphStats(model, 'resnet50');
  assert.equal(stats.inputName, 'input');
  assert.deepEqual(stats.inputShape, [3, 224, 224]);
  assert.equal(stats.classes, 1000);
  // torchvision resnet50 has 25,557,032 params; folding BN (2 per channel) into a conv bias (1) gives:
  assert.equal(stats.params, 25_530_472);
  assert.equal(stats.macsPerImage, 4_089_184_256);
  assert.deepEqual(stats.opCounts, { Conv: 53, Relu: 49, MaxPool: 1, Add: 16, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 });
  const input = model.graph!.input![0]!;
  assert.equal(input.type?.tensorType?.shape?.dim?.[0]?.dimParam, 'N', 'dynamic batch');
});

const TINY_SEED1_SHA256 = '4ab5684367f6b8cdce8f8b4aa1f1599e4c13358c485b850bc7fa48913b9bc178';
