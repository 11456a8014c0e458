// Test fixture: a tiny ONNX image classifier (Conv, Relu, GlobalAveragePool, Flatten, Gemm) written
// with onnx-proto, input [N,3,16,16] with a dynamic batch, 10 classes. Runs in microseconds.
import { writeFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const TINY_SHAPE = [3, 16, 16] as const;
export const TINY_CLASSES = 10;

function values(count: number, seed: number): number[] {
  const out: number[] = [];
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out.push((state / 2147483648 - 0.5) * 0.5);
  }
  return out;
}

function tensor(name: string, dims: number[], seed: number) {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values(dims.reduce((a, b) => a * b, 1), seed) });
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** Writes the tiny model to `path` (deterministic bytes for a given seed). */
export function writeTinyModel(path: string, seed = 7): void {
  const ints = (name: string, list: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: list });
  const graph = onnx.GraphProto.create({
    name: 'tiny',
    initializer: [tensor('w', [8, 3, 3, 3], seed), tensor('b', [8], seed + 1), tensor('fc_w', [TINY_CLASSES, 8], seed + 2), tensor('fc_b', [TINY_CLASSES], seed + 3)],
    input: [valueInfo('input', ['N', ...TINY_SHAPE])],
    output: [valueInfo('logits', ['N', TINY_CLASSES])],
    node: [
      { opType: 'Conv', input: ['input', 'w', 'b'], output: ['c'], attribute: [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])] },
      { opType: 'Relu', input: ['c'], output: ['r'] },
      { opType: 'GlobalAveragePool', input: ['r'], output: ['g'] },
      { opType: 'Flatten', input: ['g'], output: ['f'] },
      { opType: 'Gemm', input: ['f', 'fc_w', 'fc_b'], output: ['logits'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
    ],
  });
  const model = onnx.ModelProto.create({ irVersion: 7, producerName: 'vharness-test', opsetImport: [{ domain: '', version: 13 }], graph });
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
}
