// `vharness model inspect MODEL`: input, classes, parameters, MACs and op counts of a file.
import { basename } from 'node:path';
import { defineCommand } from '../../command.js';
import { formatBytes } from '../../deploy/format-bytes.js';
import { ExitCode, UsageError } from '../../errors.js';
import { optimizedOpCounts } from '../../../model/optimized-ops.js';
import { readModelFile } from '../../../model/onnx-file.js';
import { graphStats } from '../../../model/graph-stats.js';
import { formatCount, formatOps } from './describe-model.js';

export const command = defineCommand({
  args: 'MODEL.onnx',
  description: 'Input, classes, parameters, MACs per image and op counts of a model file.',
  flags: {
    optimized: { type: 'boolean', help: "op counts after onnxruntime's optimization (level 'all')" },
    json: { type: 'boolean', help: 'print the result as JSON on stdout' },
  },
  examples: [
    { command: 'vharness model inspect model.onnx', says: 'what the file holds' },
    { command: 'vharness model inspect resnet50-int8.onnx --optimized', says: 'whether onnxruntime fused the int8 graph (QLinearConv counts)' },
  ],
  exits: [ExitCode.ok, ExitCode.usage, [ExitCode.model, 'not an ONNX model, or no such file']],
  async run({ values, positionals }) {
    const [path, extra] = positionals;
    if (path === undefined) throw new UsageError('inspect needs MODEL.onnx');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const file = await readModelFile(path);
    const stats = graphStats(file.model, path);
    const optimizedOps = values.optimized ? await optimizedOpCounts(path) : undefined;
    const result = { path, sha256: file.sha256, bytes: file.bytes.length, ...stats, ...(optimizedOps ? { optimizedOps } : {}) };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return ExitCode.ok;
    }
    const lines = [
      `${basename(path)}`,
      `  sha256     ${file.sha256}`,
      `  size       ${formatBytes(file.bytes.length)}`,
      `  input      ${stats.inputName} [N, ${stats.inputShape.join(', ')}] -> ${stats.classes} classes`,
      `  params     ${formatCount(stats.params)}`,
      `  MACs       ${stats.macsPerImage === null ? 'unknown' : `${formatCount(stats.macsPerImage)} per image`}`,
      `  ops        ${formatOps(stats.opCounts)}`,
    ];
    if (optimizedOps) lines.push(`  optimized  ${formatOps(optimizedOps)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.ok;
  },
});
