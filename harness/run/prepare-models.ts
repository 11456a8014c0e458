// Builds (or finds in the cache) the model files a run needs, one per precision.
import type { Precision } from '../core/vocabulary.js';
import { ensureModel } from '../../model/resolve.js';
import type { ModelInfo } from '../../model/types.js';
import type { ModelChoice } from '../config/types.js';
import type { Logger } from '../log.js';

/** The model of each precision the cells use (an explicit int8 file wins over quantizing). */
export async function prepareModels(choice: ModelChoice, precisions: Precision[], log: Logger): Promise<Map<Precision, ModelInfo>> {
  const out = new Map<Precision, ModelInfo>();
  for (const precision of precisions) {
    const spec = precision === 'int8' && choice.int8Path !== undefined ? choice.int8Path : choice.arch;
    log.progress(`model: preparing ${choice.arch} ${precision}`);
    log.debug(`phase: model ${precision}`);
    const info = await ensureModel(spec, precision, { seed: choice.seed, log: (message) => log.progress(`model ${precision}: ${message}`) });
    log.info(`model ${precision}: ${info.path} (${(info.bytes / 1e6).toFixed(1)} MB, sha256 ${info.sha256.slice(0, 12)})`);
    out.set(precision, info);
  }
  return out;
}
