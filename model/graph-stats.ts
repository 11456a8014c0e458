// What a model graph says about itself without running it: the image input (name, per-image
// shape), number of classes, parameter count and multiply-accumulates per image, by propagating
// shapes through the CNN ops vharness handles. Works for fp32 graphs and QDQ int8 graphs.
import { ModelFailure } from './model-failure.js';
import { int64, type ModelProto, type NodeProto } from './onnx-file.js';
import { dimsOf, elementCount, intValues } from './tensor-data.js';

export interface GraphStats {
  inputName: string;
  /** Per image, e.g. [3, 224, 224]. */
  inputShape: number[];
  outputName: string;
  classes: number;
  /** Elements of Conv/Gemm weights and biases (through DequantizeLinear in QDQ graphs). */
  params: number;
  /** For one image; null when a shape could not be inferred. */
  macsPerImage: number | null;
  /** Op type -> count. */
  opCounts: Record<string, number>;
}

function attr(node: NodeProto, name: string): number[] | number | undefined {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  if (!a) return undefined;
  if (a.ints && a.ints.length > 0) return a.ints.map((v) => int64(v));
  if (a.type === 2) return int64(a.i);
  if (a.type === 7) return [];
  return undefined;
}

export function intsAttr(node: NodeProto, name: string, fallback: number[]): number[] {
  const v = attr(node, name);
  return Array.isArray(v) && v.length > 0 ? v : fallback;
}

export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const v = attr(node, name);
  return typeof v === 'number' ? v : fallback;
}

/** The image input: the first graph input that is not an initializer; must be 4-D NCHW. */
export function imageInput(model: ModelProto, label: string): { name: string; perImage: number[] } {
  const graph = model.graph!;
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !inits.has(i.name));
  const input = inputs[0];
  if (!input || !input.name) throw new ModelFailure(`${label}: the graph has no input`);
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  if (dims.length !== 4) {
    throw new ModelFailure(`${label}: input '${input.name}' has rank ${dims.length}, expected a 4-D image batch [N, C, H, W]`);
  }
  const perImage = dims.slice(1).map((d) => (d.dimValue === null || d.dimValue === undefined ? 0 : int64(d.dimValue)));
  if (perImage.some((d) => d <= 0)) {
    throw new ModelFailure(`${label}: input '${input.name}' needs fixed C, H, W dimensions, got [${dims.map((d) => d.dimParam || int64(d.dimValue)).join(', ')}]`);
  }
  return { name: input.name, perImage };
}

export function graphStats(model: ModelProto, label: string): GraphStats {
  const graph = model.graph!;
  const { name: inputName, perImage } = imageInput(model, label);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producers.set(out, node);
  const shapes = new Map<string, number[]>([[inputName, [1, ...perImage]]]);
  for (const [name, t] of inits) shapes.set(name, dimsOf(t));
  const opCounts: Record<string, number> = {};
  const paramTensors = new Set<string>();
  let macs = 0;
  let macsKnown = true;
  // A weight or bias, seen through a DequantizeLinear when the graph is quantized.
  const weightSource = (name: string | undefined): string | undefined => {
    if (name === undefined || name === '') return undefined;
    if (inits.has(name)) return name;
    const p = producers.get(name);
    if (p && p.opType === 'DequantizeLinear' && inits.has(p.input?.[0] ?? '')) return p.input?.[0] ?? undefined;
    return undefined;
  };
  for (const node of graph.node ?? []) {
    const op = node.opType ?? '';
    opCounts[op] = (opCounts[op] ?? 0) + 1;
    if (op === 'Constant') {
      const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
      if (value) {
        for (const o of node.output ?? []) {
          inits.set(o, value);
          shapes.set(o, dimsOf(value));
        }
      }
      continue;
    }
    const ins = (node.input ?? []).map((n) => shapes.get(n));
    const x = ins[0];
    let out: number[] | undefined;
    switch (op) {
      case 'Conv': {
        const w = shapes.get(node.input?.[1] ?? '');
        for (const i of [1, 2]) {
          const src = weightSource(node.input?.[i]);
          if (src) paramTensors.add(src);
        }
        if (x && w && x.length === 4) {
          const k = intsAttr(node, 'kernel_shape', w.slice(2));
          const s = intsAttr(node, 'strides', [1, 1]);
          const d = intsAttr(node, 'dilations', [1, 1]);
          const p = intsAttr(node, 'pads', [0, 0, 0, 0]);
          const autoPad = (node.attribute ?? []).find((a) => a.name === 'auto_pad')?.s;
          const autoPadText = autoPad ? new TextDecoder().decode(autoPad) : 'NOTSET';
          const dims = [0, 1].map((i) => {
            const size = x[2 + i]!;
            const stride = s[i] ?? 1;
            if (autoPadText === 'SAME_UPPER' || autoPadText === 'SAME_LOWER') return Math.ceil(size / stride);
            const eff = ((k[i] ?? 1) - 1) * (d[i] ?? 1) + 1;
            return Math.floor((size + (p[i] ?? 0) + (p[i + 2] ?? 0) - eff) / stride) + 1;
          });
          out = [x[0]!, w[0]!, dims[0]!, dims[1]!];
          macs += elementCount(out) * elementCount(w.slice(1));
        }
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        for (const i of [1, 2]) {
          const src = weightSource(node.input?.[i]);
          if (src) paramTensors.add(src);
        }
        const b = ins[1];
        if (x && b && x.length === 2 && b.length === 2) {
          const transA = op === 'Gemm' ? intAttr(node, 'transA', 0) : 0;
          const transB = op === 'Gemm' ? intAttr(node, 'transB', 0) : 0;
          const m = transA ? x[1]! : x[0]!;
          const kk = transA ? x[0]! : x[1]!;
          const n = transB ? b[0]! : b[1]!;
          out = [m, n];
          macs += m * n * kk;
        }
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        if (x && x.length === 4) {
          const k = intsAttr(node, 'kernel_shape', [1, 1]);
          const s = intsAttr(node, 'strides', [1, 1]);
          const p = intsAttr(node, 'pads', [0, 0, 0, 0]);
          const ceil = intAttr(node, 'ceil_mode', 0) === 1;
          const dims = [0, 1].map((i) => {
            const v = (x[2 + i]! + (p[i] ?? 0) + (p[i + 2] ?? 0) - (k[i] ?? 1)) / (s[i] ?? 1);
            return (ceil ? Math.ceil(v) : Math.floor(v)) + 1;
          });
          out = [x[0]!, x[1]!, dims[0]!, dims[1]!];
        }
        break;
      }
      case 'ReduceMean':
      case 'ReduceMax':
        if (x) {
          const axes = intsAttr(node, 'axes', x.map((_, i) => i)).map((a) => (a < 0 ? a + x.length : a));
          const keep = intAttr(node, 'keepdims', 1) === 1;
          out = keep ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i));
        }
        break;
      case 'GlobalAveragePool':
      case 'GlobalMaxPool':
        if (x && x.length === 4) out = [x[0]!, x[1]!, 1, 1];
        break;
      case 'Flatten':
        if (x) {
          const axis = intAttr(node, 'axis', 1);
          out = [elementCount(x.slice(0, axis)), elementCount(x.slice(axis))];
        }
        break;
      case 'Reshape': {
        const target = inits.get(node.input?.[1] ?? '');
        const spec = target ? intValues(target) : undefined;
        if (x && spec) {
          const total = elementCount(x);
          const dims = spec.map((d, i) => (d === 0 ? (x[i] ?? 1) : d));
          const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
          out = dims.map((d) => (d === -1 ? total / known : d));
        }
        break;
      }
      case 'Add':
      case 'Mul':
      case 'Sub':
      case 'Div': {
        const y = ins[1];
        out = x && y ? (x.length >= y.length ? x : y) : (x ?? y);
        break;
      }
      default:
        // Elementwise and quantize ops keep the first input's shape.
        out = x;
    }
    if (out) for (const o of node.output ?? []) shapes.set(o, out);
    else if (op === 'Conv' || op === 'Gemm' || op === 'MatMul') macsKnown = false;
  }
  const output = graph.output?.[0];
  const outputName = output?.name ?? '';
  const declared = output?.type?.tensorType?.shape?.dim ?? [];
  const lastDeclared = declared[declared.length - 1];
  const inferred = shapes.get(outputName);
  const classes =
    lastDeclared?.dimValue !== undefined && lastDeclared.dimValue !== null && int64(lastDeclared.dimValue) > 0
      ? int64(lastDeclared.dimValue)
      : (inferred?.[inferred.length - 1] ?? 0);
  let params = 0;
  for (const name of paramTensors) params += elementCount(dimsOf(inits.get(name)!));
  return { inputName, inputShape: perImage, outputName, classes, params, macsPerImage: macsKnown ? macs : null, opCounts };
}
