// The bare onnxruntime-node loop `vharness infer` is measured against: nothing but the session,
// one input tensor and the timed loop. Usage: node bare-loop.js MODEL BATCH THREADS WARMUP STEPS
import ort from 'onnxruntime-node';

process.env.ORT_DISABLE_TELEMETRY ??= '1'; // as in agent/onnxruntime.ts: no telemetry, no /tmp file

const [path = '', batch = 1, threads = 1, warmup = 0, steps = 1] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a))) as [string, number, number, number, number];
const session = await ort.InferenceSession.create(path, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
const meta = session.inputMetadata[0];
const dims = meta?.isTensor ? meta.shape.slice(1).map(Number) : [];
const data = new Float32Array(batch * dims.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
const feeds = { [session.inputNames[0] as string]: new ort.Tensor('float32', data, [batch, ...dims]) };
for (let i = 0; i < warmup; i++) await session.run(feeds);
const start = process.hrtime.bigint();
for (let i = 0; i < steps; i++) await session.run(feeds);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${JSON.stringify({ images: batch * steps, seconds, throughput_ips: (batch * steps) / seconds })}\n`);
