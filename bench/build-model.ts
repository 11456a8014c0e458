// Child of the bench: builds ResNet-50 at one precision through the model API (in whatever cache
// VHARNESS_CACHE names) and prints how long it took. Usage: node build-model.js fp32|int8
import { buildModel } from '../model/build.js';

const precision = process.argv[2];
if (precision !== 'fp32' && precision !== 'int8') {
  process.stderr.write(`usage: build-model.js fp32|int8, got ${JSON.stringify(precision)}\n`);
  process.exitCode = 2;
} else {
  const started = process.hrtime.bigint();
  const info = await buildModel({ arch: 'resnet50', precision });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, sha256: info.sha256, bytes: info.bytes })}\n`);
}
