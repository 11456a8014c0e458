// Converting between TensorProto and typed arrays. Builders write raw_data (compact, fast to
// encode); readers accept raw_data or the typed repeated fields, as PyTorch and others emit both.
import { int64, type TensorProto } from './onnx-file.js';

export const DataType = {
  float: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
} as const;

export function dimsOf(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map((d) => int64(d));
}

export function elementCount(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The float values of a FLOAT (or DOUBLE) tensor, or undefined for other types. */
export function floatValues(tensor: TensorProto): Float32Array | undefined {
  const count = elementCount(dimsOf(tensor));
  if (tensor.dataType === DataType.float) {
    const raw = tensor.rawData;
    if (raw && raw.length > 0) {
      const copy = new Uint8Array(raw.length);
      copy.set(raw);
      return new Float32Array(copy.buffer, 0, raw.length / 4);
    }
    const values = tensor.floatData ?? [];
    if (values.length === count || count === 0) return Float32Array.from(values);
    return undefined;
  }
  if (tensor.dataType === 11) {
    const raw = tensor.rawData;
    if (raw && raw.length > 0) {
      const copy = new Uint8Array(raw.length);
      copy.set(raw);
      return Float32Array.from(new Float64Array(copy.buffer, 0, raw.length / 8));
    }
    return Float32Array.from(tensor.doubleData ?? []);
  }
  return undefined;
}

/** Integer values of an INT64/INT32 tensor (e.g. a Reshape shape), or undefined. */
export function intValues(tensor: TensorProto): number[] | undefined {
  const raw = tensor.rawData;
  if (tensor.dataType === DataType.int64) {
    if (raw && raw.length > 0) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    return (tensor.int64Data ?? []).map((v) => int64(v));
  }
  if (tensor.dataType === DataType.int32) {
    if (raw && raw.length > 0) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Array.from({ length: raw.length / 4 }, (_, i) => view.getInt32(i * 4, true));
    }
    return [...(tensor.int32Data ?? [])];
  }
  return undefined;
}

type Typed = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

function bytesOf(values: Typed): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  return { name, dims, dataType: DataType.float, rawData: bytesOf(values) };
}

export function int8Tensor(name: string, dims: number[], values: Int8Array): TensorProto {
  return { name, dims, dataType: DataType.int8, rawData: bytesOf(values) };
}

export function uint8Tensor(name: string, dims: number[], values: Uint8Array): TensorProto {
  return { name, dims, dataType: DataType.uint8, rawData: bytesOf(values) };
}

export function int32Tensor(name: string, dims: number[], values: Int32Array): TensorProto {
  return { name, dims, dataType: DataType.int32, rawData: bytesOf(values) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dims, dataType: DataType.int64, rawData: bytesOf(BigInt64Array.from(values.map((v) => BigInt(v)))) };
}
