// Reading and writing ONNX files through onnx-proto (protobufjs static code). Read errors become
// ModelFailure naming the file; nothing here knows about particular architectures.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';
import { ModelFailure } from './model-failure.js';
import { checkModelStats } from './model-file-limits.js';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** An int64 field as decoded by protobufjs (a Long object when long.js is present). */
export type Int64 = number | { toNumber(): number } | null | undefined;

export function int64(value: Int64): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** The decoded model plus the file's bytes and hash. */
export interface LoadedModel {
  path: string;
  bytes: Buffer;
  sha256: string;
  model: ModelProto;
}

/** Reads and decodes an ONNX file; a missing, non-regular, too large or non-ONNX file gives a ModelFailure. */
export async function readModelFile(path: string): Promise<LoadedModel> {
  let bytes: Buffer;
  try {
    // Checked on the open descriptor: the file read is the file checked (regular, within the limit).
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      checkModelStats(path, await handle.stat());
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof ModelFailure) throw error;
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code || 'cannot be read';
    throw new ModelFailure(`${path}: ${why}`, { cause: error, hint: 'pass an .onnx file or an arch name (resnet50, tiny)' });
  }
  return { path, bytes, sha256: sha256Hex(bytes), model: decodeModel(bytes, path) };
}

/** Decodes ONNX bytes; `label` names the source in errors. */
export function decodeModel(bytes: Uint8Array, label: string): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelFailure(`${label}: not an ONNX model (protobuf decode failed: ${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (!model.graph || (model.graph.node ?? []).length === 0 || model.opsetImport.length === 0) {
    throw new ModelFailure(`${label}: not an ONNX model (no graph, nodes or opset import)`);
  }
  return model;
}

export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The default-domain opset version the model imports. */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? int64(entry.version) : 0;
}
