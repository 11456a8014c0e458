// Placeholder: replaced by the int8 quantizer in the next commit.
import { ModelError } from '../../harness/errors.js';
import type { ModelInfo, QuantizedModelInfo } from './types.js';

export const QUANTIZER_VERSION = 1;

export interface QuantizeToInt8Options {
  key: string;
  seed: number;
  label: string;
  log?: (message: string) => void;
}

export async function quantizeToInt8(_fp32: ModelInfo, _options: QuantizeToInt8Options): Promise<QuantizedModelInfo> {
  throw new ModelError('int8 quantization is not built yet');
}
