// Collects nodes and initializers of a graph being built, with the attribute and value-info
// boilerplate of ONNX in one place. Used by the synthetic builder and the quantizer.
import type { AttributeProto, NodeProto, TensorProto, ValueInfoProto } from './onnx-file.js';

const AttributeType = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

export type AttributeValue = number | number[] | string | { float: number };

/** `{ kernel_shape: [3, 3], group: 1 }` style attributes; floats as `{ float: x }`. */
export function attributes(values: Record<string, AttributeValue>): AttributeProto[] {
  return Object.entries(values).map(([name, value]) => {
    if (typeof value === 'string') return { name, type: AttributeType.string, s: new TextEncoder().encode(value) };
    if (Array.isArray(value)) return { name, type: AttributeType.ints, ints: value };
    if (typeof value === 'object') return { name, type: AttributeType.float, f: value.float };
    return { name, type: AttributeType.int, i: value };
  });
}

/** A float tensor value info with a symbolic batch dimension first. */
export function batchedValueInfo(name: string, perItem: readonly number[], batchParam = 'N', elemType = 1): ValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: batchParam }, ...perItem.map((d) => ({ dimValue: d }))] } } },
  };
}

export class GraphWriter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];

  node(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, AttributeValue> = {}, domain?: string): NodeProto {
    const node: NodeProto = { opType, input: inputs, output: outputs, name, attribute: attributes(attrs) };
    if (domain) node.domain = domain;
    this.nodes.push(node);
    return node;
  }

  initializer(tensor: TensorProto): string {
    this.initializers.push(tensor);
    return tensor.name ?? '';
  }
}
