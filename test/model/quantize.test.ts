import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useTempCache } from './temp-cache.js';
import { buildModel } from '../../model/build.js';
import { optimizedOpCounts } from '../../model/optimized-ops.js';
import { noiseAgreement } from '../../model/noise-agreement.js';
import { quantizeToInt8, measureAgreement, evaluationSeed } from '../../model/quantize-file.js';
import { readModelFile, encodeModel, onnx, type ModelProto } from '../../model/onnx-file.js';
import { graphStats } from '../../model/graph-stats.js';
import { floatValues } from '../../model/tensor-data.js';
import { ensureModel } from '../../model/resolve.js';
import type { ModelInfo, QuantizedModelInfo } from '../../model/types.js';

let cache: ReturnType<typeof useTempCache>;
before(() => {
  cache = useTempCache();
});
after(() => cache.cleanup());

test('tiny int8: onnxruntime fuses every Conv into QLinearConv (no float Conv), Adds, pool and Gemm too', async () => {
  const fp32 = await buildModel({ arch: 'tiny', precision: 'fp32' });
  const int8 = (await buildModel({ arch: 'tiny', precision: 'int8' })) as QuantizedModelInfo;
  const convs = graphStats((await readModelFile(fp32.path)).model, 'tiny').opCounts.Conv ?? 0;
  assert.equal(convs, 15);
  const ops = await optimizedOpCounts(int8.path);
  assert.equal(ops['com.microsoft.QLinearConv'], convs);
  assert.equal(ops.Conv, undefined, 'no float Conv left');
  assert.equal(ops['com.microsoft.QLinearAdd'], 4);
  assert.equal(ops['com.microsoft.QLinearGlobalAveragePool'], 1);
  assert.equal(ops['com.microsoft.QGemm'], 1);
  assert.equal(ops.DequantizeLinear, undefined, 'no float islands between quantized ops');
  assert.deepEqual(int8.unsupportedOps, []);
  const rebuilt = await buildModel({ arch: 'tiny', precision: 'int8', noCache: true });
  assert.equal(rebuilt.sha256, int8.sha256, 'int8 bytes are reproducible (coarse calibration ranges)');
  assert.equal(int8.params, fp32.params);
  assert.equal(int8.macsPerImage, fp32.macsPerImage);
});

test('tiny int8 agrees with fp32 on synthetic images, over many distinct classes; fp32 is stable under sub-step noise', async () => {
  const int8 = (await buildModel({ arch: 'tiny', precision: 'int8' })) as QuantizedModelInfo;
  assert.ok(int8.agreement, 'agreement measured');
  assert.equal(int8.agreement.images, 100);
  assert.ok(int8.agreement.top1 >= 0.9, `top-1 agreement ${int8.agreement.top1}`);
  assert.ok(int8.agreement.distinctClasses >= 6, `distinct classes ${int8.agreement.distinctClasses}`);
  const fp32 = await buildModel({ arch: 'tiny', precision: 'fp32' });
  const noise = await noiseAgreement(fp32.path, fp32.inputShape, evaluationSeed(1));
  assert.ok(noise.top1 >= 0.99, `noise agreement ${noise.top1}`);
});

test('percentile calibration works too', async () => {
  const fp32 = await buildModel({ arch: 'tiny', precision: 'fp32' });
  const out = join(cache.dir, 'tiny-percentile.onnx');
  const info = await quantizeToInt8(fp32, { outPath: out, seed: 1, label: 'tiny', method: 'percentile', calibrationImages: 8 });
  assert.equal(info.path, out);
  assert.ok(info.agreement && info.agreement.top1 >= 0.85, `agreement ${info.agreement?.top1}`);
});

/**
 * Rewrites the tiny fp32 model the way other exporters (PyTorch) write files: opset 11, IR 6,
 * weights in float_data or a Constant node, initializers listed as graph inputs, default Conv attributes left out,
 * Flatten as Reshape with a Constant shape, a fixed batch of 1, and one op the quantizer does not handle.
 */
function exporterStyle(model: ModelProto): Uint8Array {
  const graph = model.graph!;
  const initializers = (graph.initializer ?? []).map((t) => {
    const { rawData: _raw, ...rest } = t;
    return { ...rest, floatData: Array.from(floatValues(t)!) };
  });
  const stemWeight = initializers.find((t) => t.name === 'stem.conv.weight')!;
  const nodes = (graph.node ?? []).flatMap((node) => {
    if (node.name === 'stem.conv') {
      // This weight lives in a Constant node, as some exporters write it.
      const constant = { opType: 'Constant', input: [], output: ['stem.conv.weight'], name: 'stem_weight', attribute: [{ name: 'value', type: 4, t: stemWeight }] };
      return [constant, { ...node, attribute: (node.attribute ?? []).filter((a) => a.name !== 'dilations') }];
    }
    if (node.opType === 'Conv') {
      return [{ ...node, attribute: (node.attribute ?? []).filter((a) => a.name !== 'dilations' && a.name !== 'group' && !(a.name === 'strides' && a.ints?.every((v) => Number(v) === 1))) }];
    }
    if (node.opType === 'Flatten') {
      const shape = { name: 'flatten_shape', dims: [2], dataType: 7, int64Data: [0, -1] };
      return [
        { opType: 'Constant', input: [], output: ['flatten_shape'], name: 'flatten_shape', attribute: [{ name: 'value', type: 4, t: shape }] },
        { opType: 'Reshape', input: [node.input![0]!, 'flatten_shape'], output: node.output, name: 'reshape' },
      ];
    }
    if (node.opType === 'GlobalAveragePool') {
      // An op outside the supported set, with the same meaning here: ReduceMean over H, W.
      return [{ opType: 'ReduceMean', input: node.input, output: node.output, name: 'reduce', attribute: [{ name: 'axes', type: 7, ints: [2, 3] }, { name: 'keepdims', type: 2, i: 1 }] }];
    }
    return [node];
  });
  const fixBatch = (v: NonNullable<typeof graph.input>[number]) => ({
    ...v,
    type: { tensorType: { ...v.type!.tensorType!, shape: { dim: [{ dimValue: 1 }, ...v.type!.tensorType!.shape!.dim!.slice(1)] } } },
  });
  const kept = initializers.filter((t) => t !== stemWeight);
  const inputs = [...(graph.input ?? []).map(fixBatch), ...kept.map((t) => ({ name: t.name, type: { tensorType: { elemType: 1, shape: { dim: (t.dims ?? []).map((d) => ({ dimValue: d })) } } } }))];
  return encodeModel(onnx.ModelProto.create({ ...model, irVersion: 6, opsetImport: [{ domain: '', version: 11 }], graph: { ...graph, node: nodes, initializer: kept, input: inputs, output: (graph.output ?? []).map(fixBatch) } }));
}

test('a model written by another exporter (opset 11, float_data, implicit attributes, batch 1) quantizes; unsupported ops are listed', async () => {
  const fp32 = await buildModel({ arch: 'tiny', precision: 'fp32' });
  const foreignPath = join(cache.dir, 'exported.onnx');
  await writeFile(foreignPath, exporterStyle((await readModelFile(fp32.path)).model));
  const foreign = await ensureModel(foreignPath, 'fp32');
  assert.equal(foreign.params, fp32.params);
  assert.equal(foreign.macsPerImage, fp32.macsPerImage);
  const same = await measureAgreement(fp32.path, foreignPath, fp32.inputShape, 5, 20);
  assert.equal(same.top1, 1, 'the rewritten model computes the same function');
  const int8 = (await ensureModel(foreignPath, 'int8')) as ModelInfo & Partial<QuantizedModelInfo>;
  assert.equal(int8.precision, 'int8');
  assert.deepEqual(int8.unsupportedOps, ['ReduceMean']);
  assert.ok(int8.agreement && int8.agreement.top1 >= 0.85, `agreement ${int8.agreement?.top1}`);
  const ops = await optimizedOpCounts(int8.path);
  assert.equal(ops['com.microsoft.QLinearConv'], 15);
  assert.equal(ops.Conv, undefined);
  await assert.rejects(ensureModel(int8.path, 'fp32'), /already quantized/);
  const again = await ensureModel(foreignPath, 'int8');
  assert.equal(again.sha256, int8.sha256, 'cached by the input sha256');
});
