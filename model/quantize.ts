// Static QDQ int8 quantization of an fp32 CNN graph, in the form onnxruntime fuses completely on
// x86: per-channel symmetric int8 weights (zero point 0), uint8 activations (asymmetric, from
// calibrated ranges), int32 biases with scale = input scale x weight scale. Each quantized
// activation gets one QuantizeLinear -> DequantizeLinear pair after its producer; pass-through
// ops (MaxPool, Flatten, Reshape) reuse their input's parameters so the runtime can drop them.
// Ops outside the supported set stay float and are reported.
import { ModelFailure } from './model-failure.js';
import { GraphWriter } from './graph-writer.js';
import { defaultOpset, int64, type ModelProto, type NodeProto, type TensorProto } from './onnx-file.js';
import { imageInput, intAttr } from './graph-stats.js';
import { DataType, dimsOf, floatValues, floatTensor, int32Tensor, int8Tensor, uint8Tensor } from './tensor-data.js';

/** Ops whose activation inputs are quantized. */
const computeOps = new Set(['Conv', 'Gemm', 'Add', 'GlobalAveragePool', 'AveragePool']);
/** Ops that pass uint8 values through unchanged when input and output share parameters. */
const passThroughOps = new Set(['MaxPool', 'Flatten', 'Reshape']);
/** Ops that are fine left alone (folded into neighbours or shape plumbing). */
const neutralOps = new Set(['Relu', 'Constant', 'Identity', 'Shape', 'Gather', 'Unsqueeze', 'Concat', 'Squeeze']);
/** Ops whose meaning changed between opsets 11 and 13 (DequantizeLinear per channel needs 13). */
const changedBefore13 = new Set(['Squeeze', 'Unsqueeze', 'Split', 'ReduceSum', 'Pad', 'Resize']);

export interface TensorRange {
  min: number;
  max: number;
}

export interface QuantizationPlan {
  /** Activation tensors that need a calibrated range. */
  tensors: string[];
  /** Op types left in float. */
  unsupportedOps: string[];
}

export interface QuantizeResult {
  model: ModelProto;
  unsupportedOps: string[];
  quantizedWeights: number;
  quantizedActivations: number;
}

function isFloatInitializer(t: TensorProto | undefined): boolean {
  return t !== undefined && (t.dataType === DataType.float || t.dataType === 11);
}

/** Which tensors need ranges, and which ops stay float. */
export function planQuantization(model: ModelProto, label: string): QuantizationPlan {
  const graph = model.graph!;
  imageInput(model, label); // rank and shape checks, with clear errors
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const tensors = new Set<string>();
  const unsupported = new Set<string>();
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const o of node.output ?? []) producers.set(o, node);
  const constantLike = (name: string): boolean => inits.has(name) || producers.get(name)?.opType === 'Constant';
  for (const node of graph.node ?? []) {
    const op = node.opType ?? '';
    if (node.domain && node.domain !== 'ai.onnx') {
      unsupported.add(`${node.domain}.${op}`);
      continue;
    }
    if (op === 'Conv' || op === 'Gemm') {
      const x = node.input?.[0] ?? '';
      if (!constantLike(x)) tensors.add(x);
      if (op === 'Gemm' && intAttr(node, 'transA', 0) !== 0) unsupported.add('Gemm(transA)');
    } else if (op === 'Add') {
      const ins = node.input ?? [];
      if (ins.every((i) => !constantLike(i))) for (const i of ins) tensors.add(i);
      else unsupported.add('Add(constant)');
    } else if (computeOps.has(op) || passThroughOps.has(op)) {
      const x = node.input?.[0] ?? '';
      if (!constantLike(x)) tensors.add(x);
    } else if (!neutralOps.has(op)) {
      unsupported.add(op);
    }
  }
  return { tensors: [...tensors], unsupportedOps: [...unsupported].sort() };
}

/** Round half to even, like numpy.rint and onnxruntime. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** uint8 scale and zero point covering [min, max] and 0. */
export function activationParams(range: TensorRange): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, range.min);
  const hi = Math.max(0, range.max);
  if (!(hi > lo)) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / 255);
  const zeroPoint = Math.max(0, Math.min(255, rint(-lo / scale)));
  return { scale, zeroPoint };
}

/** Per-channel symmetric int8 quantization of `values` viewed as `channels` slices along `axis`. */
function quantizeWeight(values: Float32Array, dims: number[], axis: number): { q: Int8Array; scales: Float32Array } {
  const channels = dims[axis]!;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    const a = Math.abs(values[i]!);
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    q[i] = Math.max(-127, Math.min(127, rint(values[i]! / scales[c]!)));
  }
  return { q, scales };
}

export function quantizeQdq(model: ModelProto, ranges: Map<string, TensorRange>, label: string): QuantizeResult {
  const plan = planQuantization(model, label);
  const graph = model.graph!;
  let opset = defaultOpset(model);
  if (opset < 13) {
    const blocking = (graph.node ?? []).map((n) => n.opType ?? '').filter((op) => changedBefore13.has(op));
    if (blocking.length > 0) {
      throw new ModelFailure(`${label}: opset ${opset} model uses ${[...new Set(blocking)].join(', ')}, whose meaning changed by opset 13 (needed for per-channel int8)`, {
        hint: 'export the model with opset_version >= 13',
      });
    }
    opset = 13;
  }
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const o of node.output ?? []) producers.set(o, node);
  const quantized = new Set(plan.tensors.filter((t) => ranges.has(t)));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));

  // Parameters per tensor; outputs of pass-through ops take their input's.
  const params = new Map<string, { scale: number; zeroPoint: number }>();
  const paramsOf = (tensor: string): { scale: number; zeroPoint: number } | undefined => {
    const known = params.get(tensor);
    if (known) return known;
    const p = producers.get(tensor);
    let result: { scale: number; zeroPoint: number } | undefined;
    if (p && passThroughOps.has(p.opType ?? '') && quantized.has(p.input?.[0] ?? '')) result = paramsOf(p.input?.[0] ?? '');
    else if (quantized.has(tensor)) result = activationParams(ranges.get(tensor)!);
    if (result) params.set(tensor, result);
    return result;
  };

  const g = new GraphWriter();
  const usedNames = new Set<string>([...inits.keys(), ...(graph.node ?? []).flatMap((n) => [...(n.output ?? [])])]);
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 1; usedNames.has(name); i++) name = `${base}_${i}`;
    usedNames.add(name);
    return name;
  };
  const dequantized = new Map<string, string>();
  const emitQdq = (tensor: string): void => {
    const p = paramsOf(tensor);
    if (!p || dequantized.has(tensor)) return;
    const scale = g.initializer(floatTensor(fresh(`${tensor}_scale`), [], Float32Array.of(p.scale)));
    const zp = g.initializer(uint8Tensor(fresh(`${tensor}_zero_point`), [], Uint8Array.of(p.zeroPoint)));
    const q = fresh(`${tensor}_quantized`);
    const dq = fresh(`${tensor}_dequantized`);
    g.node('QuantizeLinear', [tensor, scale, zp], [q], fresh(`${tensor}_QuantizeLinear`));
    g.node('DequantizeLinear', [q, scale, zp], [dq], fresh(`${tensor}_DequantizeLinear`));
    dequantized.set(tensor, dq);
  };

  const replacedInits = new Set<string>();
  let quantizedWeights = 0;
  const quantizedWeightScales = new Map<string, { dq: string; scales: Float32Array }>();
  const weightDq = (name: string, axis: number): { dq: string; scales: Float32Array } | undefined => {
    const cacheKey = `${name}@${axis}`;
    const hit = quantizedWeightScales.get(cacheKey);
    if (hit) return hit;
    const t = inits.get(name);
    if (!isFloatInitializer(t)) return undefined;
    const dims = dimsOf(t!);
    const values = floatValues(t!);
    if (!values || dims.length <= axis) return undefined;
    const { q, scales } = quantizeWeight(values, dims, axis);
    const qName = g.initializer(int8Tensor(fresh(`${name}_quantized`), dims, q));
    const sName = g.initializer(floatTensor(fresh(`${name}_scale`), [scales.length], scales));
    const zName = g.initializer(int8Tensor(fresh(`${name}_zero_point`), [scales.length], new Int8Array(scales.length)));
    const dq = fresh(`${name}_dequantized`);
    g.node('DequantizeLinear', [qName, sName, zName], [dq], fresh(`${name}_DequantizeLinear`), { axis });
    replacedInits.add(name);
    quantizedWeights++;
    const entry = { dq, scales };
    quantizedWeightScales.set(cacheKey, entry);
    return entry;
  };
  const biasDq = (name: string, inputScale: number, weightScales: Float32Array): string | undefined => {
    const t = inits.get(name);
    if (!isFloatInitializer(t)) return undefined;
    const values = floatValues(t!);
    if (!values || values.length !== weightScales.length || dimsOf(t!).length !== 1) return undefined;
    const scales = Float32Array.from(weightScales, (s) => inputScale * s);
    const q = Int32Array.from(values, (v, i) => Math.max(-2147483647, Math.min(2147483647, rint(v / scales[i]!))));
    const qName = g.initializer(int32Tensor(fresh(`${name}_quantized`), [q.length], q));
    const sName = g.initializer(floatTensor(fresh(`${name}_quantized_scale`), [q.length], scales));
    const zName = g.initializer(int32Tensor(fresh(`${name}_quantized_zero_point`), [q.length], new Int32Array(q.length)));
    const dq = fresh(`${name}_dequantized`);
    g.node('DequantizeLinear', [qName, sName, zName], [dq], fresh(`${name}_DequantizeLinear`), { axis: 0 });
    replacedInits.add(name);
    return dq;
  };

  // The image input (and any other quantized graph input) first.
  for (const input of graph.input ?? []) if (input.name && quantized.has(input.name)) emitQdq(input.name);
  for (const node of graph.node ?? []) {
    const op = node.opType ?? '';
    const inputs = [...(node.input ?? [])];
    if ((op === 'Conv' || op === 'Gemm') && dequantized.has(inputs[0] ?? '')) {
      const axis = op === 'Gemm' ? (intAttr(node, 'transB', 0) !== 0 ? 0 : 1) : 0;
      const w = weightDq(inputs[1] ?? '', axis);
      if (w) {
        inputs[1] = w.dq;
        const inScale = paramsOf(inputs[0] ?? '')!.scale;
        if (inputs[2]) {
          const b = biasDq(inputs[2], inScale, w.scales);
          if (b) inputs[2] = b;
        }
      }
    }
    const rewritten = inputs.map((i) => dequantized.get(i) ?? i);
    g.nodes.push({ ...node, input: rewritten });
    for (const out of node.output ?? []) if (!graphOutputs.has(out)) emitQdq(out);
  }

  const stillUsed = new Set(g.nodes.flatMap((n) => n.input ?? []));
  const keptInits = (graph.initializer ?? []).filter((t) => !replacedInits.has(t.name ?? '') || stillUsed.has(t.name ?? ''));
  const keptNames = new Set(keptInits.map((t) => t.name ?? ''));
  const out: ModelProto = Object.assign(Object.create(Object.getPrototypeOf(model)) as ModelProto, model, {
    irVersion: Math.max(int64(model.irVersion), 7),
    opsetImport: [
      ...model.opsetImport.filter((o) => o.domain && o.domain !== 'ai.onnx'),
      { domain: '', version: opset },
    ],
    graph: {
      ...graph,
      node: g.nodes,
      initializer: [...keptInits, ...g.initializers],
      input: (graph.input ?? []).filter((i) => !inits.has(i.name ?? '') || keptNames.has(i.name ?? '')),
    },
  });
  return { model: out, unsupportedOps: plan.unsupportedOps, quantizedWeights, quantizedActivations: dequantized.size };
}
