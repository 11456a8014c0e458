// What onnxruntime makes of a model: the op counts of the graph it saves after optimization
// (graph optimization 'all', as the agent runs it). This is how a QDQ int8 model is checked to
// run as QLinearConv and friends rather than float Conv between Quantize/Dequantize pairs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from '../agent/onnxruntime.js';
import { ModelFailure } from './model-failure.js';
import { decodeModel } from './onnx-file.js';

/** Op type (with a `domain.` prefix outside the default domain) -> count after optimization. */
export async function optimizedOpCounts(modelPath: string): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'vharness-optimized-'));
  try {
    const out = join(dir, 'optimized.onnx');
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all', optimizedModelFilePath: out, intraOpNumThreads: 1, logSeverityLevel: 3 });
    } catch (error) {
      throw new ModelFailure(`${modelPath}: onnxruntime cannot load the model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    await session.release();
    const model = decodeModel(await readFile(out), out);
    const counts: Record<string, number> = {};
    for (const node of model.graph?.node ?? []) {
      const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : (node.opType ?? '');
      counts[op] = (counts[op] ?? 0) + 1;
    }
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
