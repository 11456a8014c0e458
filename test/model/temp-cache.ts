// A throwaway model cache per test file: VHARNESS_CACHE points at a fresh temp folder, removed after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function useTempCache(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vharness-model-test-'));
  const previous = process.env.VHARNESS_CACHE;
  process.env.VHARNESS_CACHE = dir;
  return {
    dir,
    cleanup: () => {
      if (previous === undefined) delete process.env.VHARNESS_CACHE;
      else process.env.VHARNESS_CACHE = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
