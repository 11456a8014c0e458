// Some exporters put weights in Constant nodes rather than initializers. The quantizer works on
// initializers, so Constant nodes holding a tensor become initializers of the same name first.
import type { ModelProto, TensorProto } from './onnx-file.js';

export function constantsToInitializers(model: ModelProto): ModelProto {
  const graph = model.graph!;
  const moved: TensorProto[] = [];
  const nodes = (graph.node ?? []).filter((node) => {
    if (node.opType !== 'Constant' || (node.domain && node.domain !== 'ai.onnx') || (node.output ?? []).length !== 1) return true;
    const value = (node.attribute ?? []).find((a) => a.name === 'value')?.t;
    if (!value) return true;
    moved.push({ ...value, name: node.output![0]! });
    return false;
  });
  if (moved.length === 0) return model;
  return Object.assign(Object.create(Object.getPrototypeOf(model)) as ModelProto, model, {
    graph: { ...graph, node: nodes, initializer: [...(graph.initializer ?? []), ...moved] },
  });
}
