// `vharness model quantize IN OUT`: static QDQ int8 of an fp32 ONNX CNN, calibrated on images.
import { performance } from 'node:perf_hooks';
import { intFlag } from '../../args.js';
import { defineCommand } from '../../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { DEFAULT_SEED } from '../../../model/build.js';
import { ensureModel } from '../../../model/resolve.js';
import { DEFAULT_CALIBRATION_IMAGES, DEFAULT_FOLDER_IMAGES, quantizeToInt8 } from '../../../model/quantize-file.js';
import { CalibrationMethod } from '../../../model/calibrate.js';
import { describeModel, roundTo } from './describe-model.js';

function methodFlag(value: string | undefined): CalibrationMethod {
  if (value === undefined) return CalibrationMethod.minmax;
  if (value === CalibrationMethod.minmax || value === CalibrationMethod.percentile) return value;
  throw new UsageError(`Expected --method to be minmax or percentile, got '${value}'`);
}

export const command = defineCommand({
  args: 'IN.onnx OUT.onnx',
  description: `Static QDQ int8 (per-channel s8 weights, u8 activations, int32 bias) of an fp32 ONNX CNN
(Conv, Gemm, Relu, Add, MaxPool, GlobalAveragePool, Flatten/Reshape; other ops stay float and
are listed), then top-1 agreement of OUT with IN.`,
  flags: {
    calibration: { type: 'string', arg: 'DIR', file: true, help: `calibrate on the first ${DEFAULT_FOLDER_IMAGES} JPEG/PNG images under DIR (sorted paths;\nresize 256, center crop 224, ImageNet normalization)` },
    'calibration-random': { type: 'string', arg: 'N', help: `calibrate on N synthetic images (default ${DEFAULT_CALIBRATION_IMAGES})` },
    method: { type: 'string', arg: 'M', choices: [CalibrationMethod.minmax, CalibrationMethod.percentile], help: 'minmax or percentile (99.99%) ranges (default minmax)' },
    'no-agreement': { type: 'boolean', help: 'skip the top-1 agreement check against IN' },
    json: { type: 'boolean', help: 'print the result as JSON on stdout' },
  },
  examples: [
    { command: 'vharness model quantize my-resnet50.onnx my-resnet50-int8.onnx --calibration DIR', says: 'int8, calibrated on your images' },
    { command: 'vharness model quantize net.onnx net-int8.onnx --calibration-random 32 --method percentile', says: 'calibrated on synthetic images, percentile ranges' },
    { command: 'vharness model quantize net.onnx net-int8.onnx --no-agreement --json', says: 'without the agreement check, as JSON' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, [ExitCode.model, 'IN is not a usable fp32 ONNX model, or the quantization failed']],
  async run({ values, positionals }) {
    const [input, output, extra] = positionals;
    if (input === undefined || output === undefined) throw new UsageError('quantize needs IN.onnx and OUT.onnx');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    if (values.calibration !== undefined && values['calibration-random'] !== undefined) {
      throw new UsageError('use either --calibration DIR or --calibration-random N, not both');
    }
    const count = intFlag('calibration-random', values['calibration-random'], DEFAULT_CALIBRATION_IMAGES);
    const method = methodFlag(values.method);
    const log = createLogger();
    const started = performance.now();
    const fp32 = await ensureModel(input, 'fp32');
    const info = await quantizeToInt8(fp32, {
      outPath: output,
      seed: DEFAULT_SEED,
      label: input,
      method,
      calibrationDir: values.calibration,
      calibrationImages: values.calibration === undefined ? count : DEFAULT_FOLDER_IMAGES,
      agreement: values['no-agreement'] !== true,
      log: (message: string) => log.progress(message),
    });
    const seconds = (performance.now() - started) / 1000;
    if (info.unsupportedOps.length > 0) log.warn(`left in float (not quantized): ${info.unsupportedOps.join(', ')}`);
    if (values.json) process.stdout.write(`${JSON.stringify({ ...info, method, seconds: roundTo(seconds, 3) }, null, 2)}\n`);
    else process.stdout.write(describeModel(info, seconds));
    return ExitCode.ok;
  },
});
