// The architectures the synthetic builder knows: ResNet-50 v1.5 and a tiny net of the same block
// types for tests and CI. Each is data; resnet-build.ts turns one into an ONNX graph.

export interface StageSpec {
  blocks: number;
  /** Bottleneck width; the block outputs width * expansion channels. */
  width: number;
  /** Stride of the stage's first block (on its 3x3 conv: v1.5). */
  stride: number;
}

export interface ResnetArch {
  name: string;
  /** Per image [C, H, W]. */
  inputShape: [number, number, number];
  classes: number;
  stem: { channels: number; kernel: number; stride: number };
  stages: StageSpec[];
  expansion: number;
  /**
   * Probe images run through the net while building, to set each conv's folded-BatchNorm scale
   * and shift from real statistics. Smaller than the input to keep builds fast.
   */
  probe: { images: number; size: number };
}

export const architectures = {
  resnet50: {
    name: 'resnet50',
    inputShape: [3, 224, 224],
    classes: 1000,
    stem: { channels: 64, kernel: 7, stride: 2 },
    stages: [
      { blocks: 3, width: 64, stride: 1 },
      { blocks: 4, width: 128, stride: 2 },
      { blocks: 6, width: 256, stride: 2 },
      { blocks: 3, width: 512, stride: 2 },
    ],
    expansion: 4,
    probe: { images: 12, size: 80 },
  },
  tiny: {
    name: 'tiny',
    inputShape: [3, 32, 32],
    classes: 10,
    stem: { channels: 16, kernel: 3, stride: 1 },
    stages: [
      { blocks: 2, width: 8, stride: 1 },
      { blocks: 2, width: 16, stride: 2 },
    ],
    expansion: 4,
    probe: { images: 16, size: 32 },
  },
} as const satisfies Record<string, ResnetArch>;

export type ArchName = keyof typeof architectures;

export function isArchName(name: string): name is ArchName {
  return Object.hasOwn(architectures, name);
}
