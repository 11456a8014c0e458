// `vharness model build|quantize|inspect`: models as files, built, quantized or inspected here.
import type { CommandGroup } from '../../command.js';

export const group: CommandGroup = {
  kind: 'group',
  description: `build: the synthetic ResNet-50 v1.5 (or the tiny test net), deterministic from a seed.
quantize: static QDQ int8 of your own fp32 ONNX CNN. inspect: what a model file holds.`,
  subcommands: {
    build: { summary: 'build the synthetic ResNet-50 or the tiny test net at fp32 or int8 (cached)', load: async () => (await import('./build.js')).command },
    quantize: { summary: 'quantize an fp32 ONNX CNN to int8 (static QDQ, calibrated)', load: async () => (await import('./quantize.js')).command },
    inspect: { summary: 'show the input, classes, parameters, MACs and op counts of a model file', load: async () => (await import('./inspect.js')).command },
  },
};
