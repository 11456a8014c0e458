// Recognizing graphs that are already quantized (QDQ or QOperator form).
import type { ModelProto } from './onnx-file.js';

const quantizedOps = new Set(['QuantizeLinear', 'DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'QGemm', 'ConvInteger', 'MatMulInteger']);

export function isQuantizedGraph(model: ModelProto): boolean {
  return (model.graph?.node ?? []).some((n) => quantizedOps.has(n.opType ?? ''));
}
