// onnxruntime-node inference for one instance: load a model file with the study's session
// options and prepare the input tensor once, outside any timed loop.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ort from './onnxruntime.js';
import { AgentFailure, asAgentFailure } from './agent-failure.js';
import { ErrorCode } from './protocol.js';

export interface LoadModelOptions {
  /** Path of the .onnx file. */
  path: string;
  /** When given, the file's sha256 (hex) must match before loading. */
  sha256?: string;
  /** onnxruntime intraOpNumThreads. */
  intraOpThreads: number;
  /** onnxruntime interOpNumThreads. @default 1 */
  interOpThreads?: number;
}

export interface LoadedModel {
  session: ort.InferenceSession;
  path: string;
  inputName: string;
  /** As declared: numbers, or a name / -1 for dynamic dimensions. */
  inputShape: (number | string)[];
  outputName: string;
  intraOpThreads: number;
  interOpThreads: number;
  loadMs: number;
}

/** The sha256 of a file, hex. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function checkThreads(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 1024) {
    throw new AgentFailure(ErrorCode.badRequest, `Expected ${name} to be an integer from 1 to 1024, got ${JSON.stringify(value)}`);
  }
}

/** Loads a model with intra/inter-op threads, graph optimization 'all', sequential execution. */
export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
  const interOpThreads = options.interOpThreads ?? 1;
  checkThreads('intraOpThreads', options.intraOpThreads);
  checkThreads('interOpThreads', interOpThreads);
  try {
    const info = await stat(options.path);
    if (!info.isFile()) throw new AgentFailure(ErrorCode.modelNotFound, `model ${options.path} is not a file`);
  } catch (error) {
    if (error instanceof AgentFailure) throw error;
    throw new AgentFailure(ErrorCode.modelNotFound, `model ${options.path} not found`, { cause: error });
  }
  if (options.sha256 !== undefined) {
    const actual = await fileSha256(options.path);
    if (actual !== options.sha256.toLowerCase()) {
      throw new AgentFailure(ErrorCode.modelChecksum, `model ${options.path} has sha256 ${actual}, expected ${options.sha256}`);
    }
  }
  const started = process.hrtime.bigint();
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(options.path, {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: interOpThreads,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
  } catch (error) {
    throw asAgentFailure(error, ErrorCode.modelInvalid, `cannot load model ${options.path}`);
  }
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const input = session.inputMetadata[0];
  if (inputName === undefined || outputName === undefined || input === undefined) {
    await session.release();
    throw new AgentFailure(ErrorCode.modelInvalid, `model ${options.path} has no inputs or no outputs`);
  }
  if (!input.isTensor || input.type !== 'float32') {
    await session.release();
    throw new AgentFailure(ErrorCode.modelInvalid, `model ${options.path}: input '${inputName}' must be a float32 tensor, got ${input.isTensor ? input.type : 'a non-tensor'}`);
  }
  return {
    session,
    path: options.path,
    inputName,
    inputShape: [...input.shape],
    outputName,
    intraOpThreads: options.intraOpThreads,
    interOpThreads,
    loadMs,
  };
}

/** The per-image input shape ([3,224,224] for ResNet-50): the declared shape without its batch dimension. */
export function imageShape(model: LoadedModel): number[] {
  const dims = model.inputShape.slice(1);
  const fixed = dims.map((d) => (typeof d === 'number' && d > 0 ? d : null));
  if (model.inputShape.length < 2 || fixed.some((d) => d === null)) {
    throw new AgentFailure(
      ErrorCode.modelInvalid,
      `model ${model.path}: input '${model.inputName}' must be [batch, ...fixed dims], got [${model.inputShape.join(', ')}]`,
    );
  }
  return fixed as number[];
}

/** Checks that the model accepts `batch` in its first dimension. */
function checkBatch(model: LoadedModel, batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) throw new AgentFailure(ErrorCode.badRequest, `Expected batch to be an integer >= 1, got ${JSON.stringify(batch)}`);
  const first = model.inputShape[0];
  if (typeof first === 'number' && first > 0 && first !== batch) {
    throw new AgentFailure(ErrorCode.badRequest, `model ${model.path} has a fixed batch of ${first}, got batch ${batch}`);
  }
}

/** Deterministic pseudo-random pixels in [-2, 2] (roughly normalized images); the values do not change speed. */
function fillDeterministic(data: Float32Array, seed: number): void {
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 4 - 2;
  }
}

/** Makes the input tensor for `batch` images once; the timed loop reuses it. */
export function makeInput(model: LoadedModel, batch: number, seed = 1): ort.Tensor {
  checkBatch(model, batch);
  const shape = imageShape(model);
  const perImage = shape.reduce((a, b) => a * b, 1);
  let data: Float32Array;
  try {
    data = new Float32Array(perImage * batch);
  } catch (error) {
    throw asAgentFailure(error, ErrorCode.outOfMemory, `cannot allocate the input of batch ${batch}`);
  }
  fillDeterministic(data, seed);
  return new ort.Tensor('float32', data, [batch, ...shape]);
}

/** Wraps caller-made pixels (e.g. decoded images) as an input tensor. */
export function tensorFrom(model: LoadedModel, data: Float32Array, batch: number): ort.Tensor {
  checkBatch(model, batch);
  const shape = imageShape(model);
  const perImage = shape.reduce((a, b) => a * b, 1);
  if (data.length !== perImage * batch) {
    throw new AgentFailure(ErrorCode.badRequest, `input of ${data.length} values does not match batch ${batch} x [${shape.join(', ')}]`);
  }
  return new ort.Tensor('float32', data, [batch, ...shape]);
}

/** Runs one batch and returns the first output's values (accuracy, agreement). */
export async function predict(model: LoadedModel, input: ort.Tensor): Promise<Float32Array> {
  let outputs: ort.InferenceSession.OnnxValueMapType;
  try {
    outputs = await model.session.run({ [model.inputName]: input });
  } catch (error) {
    throw asAgentFailure(error, ErrorCode.inference, `inference failed on ${model.path}`);
  }
  const output = outputs[model.outputName];
  if (output === undefined || !(output.data instanceof Float32Array)) {
    throw new AgentFailure(ErrorCode.modelInvalid, `model ${model.path}: output '${model.outputName}' is not float32`);
  }
  return output.data;
}
