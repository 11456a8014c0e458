// The one full-size test (~20 s on 2 cores): the synthetic ResNet-50 is byte-identical to the pinned
// build, its int8 form runs as QLinearConv in onnxruntime and agrees with fp32, and fp32 is stable
// under input noise below one 8-bit step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useTempCache } from './temp-cache.js';
import { buildModel } from '../../model/build.js';
import { optimizedOpCounts } from '../../model/optimized-ops.js';
import { noiseAgreement } from '../../model/noise-agreement.js';
import { evaluationSeed } from '../../model/quantize-file.js';
import type { QuantizedModelInfo } from '../../model/types.js';

let cache: ReturnType<typeof useTempCache>;
before(() => {
  cache = useTempCache();
});
after(() => cache.cleanup());

test('resnet50 seed 1: pinned fp32 bytes; int8 >= 50 QLinearConv and no float Conv, >= 95% top-1 agreement, fp32 noise-stable', async () => {
  const fp32 = await buildModel({ arch: 'resnet50', precision: 'fp32', seed: 1 });
  assert.equal(fp32.sha256, RESNET50_SEED1_SHA256, 'same seed, same bytes on every machine (bump BUILDER_VERSION when this changes)');
  assert.equal(fp32.params, 25_530_472);
  assert.equal(fp32.macsPerImage, 4_089_184_256);
  const int8 = (await buildModel({ arch: 'resnet50', precision: 'int8', seed: 1 })) as QuantizedModelInfo;
  const ops = await optimizedOpCounts(int8.path);
  assert.ok((ops['com.microsoft.QLinearConv'] ?? 0) >= 50, `QLinearConv ${ops['com.microsoft.QLinearConv']}`);
  assert.equal(ops.Conv, undefined, 'no float Conv');
  assert.equal(ops['com.microsoft.QLinearAdd'], 16);
  assert.ok(int8.agreement, 'agreement measured');
  assert.ok(int8.agreement.top1 >= 0.95, `int8 top-1 agreement ${int8.agreement.top1}`);
  assert.ok(int8.agreement.distinctClasses >= 20, `distinct fp32 top-1 classes ${int8.agreement.distinctClasses}`);
  const noise = await noiseAgreement(fp32.path, fp32.inputShape, evaluationSeed(1));
  assert.ok(noise.top1 >= 0.99, `top-1 agreement under sub-step input noise ${noise.top1}`);
});

const RESNET50_SEED1_SHA256 = '698413d188a58a6134c2276795eeeb2f5d9fbffcf7740d279894f043a9d9e075';
