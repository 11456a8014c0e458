// prepareModels builds in a worker thread: the result is the model (cached for the next call),
// a model failure keeps its class (exit 4 at the CLI), and an abort ends a long synchronous
// build at once, leaving no model file in the cache.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelFailure } from '../../../model/model-failure.js';
import type { Logger } from '../../../harness/log.js';
import { InterruptedError } from '../../../harness/run/abortable.js';
import { prepareModels } from '../../../harness/run/prepare-models.js';

function logger(onProgress: (message: string) => void = () => undefined): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string): void => {
    lines.push(message);
  };
  return { lines, info: push, warn: push, error: push, debug: push, progress: onProgress };
}

describe('prepareModels', () => {
  let cache: string;
  const previous = process.env.VHARNESS_CACHE;
  before(async () => {
    cache = await mkdtemp(join(tmpdir(), 'vharness-models-'));
    // Workers copy the environment when they start: every build below uses this cache.
    process.env.VHARNESS_CACHE = cache;
  });
  after(async () => {
    if (previous === undefined) delete process.env.VHARNESS_CACHE;
    else process.env.VHARNESS_CACHE = previous;
    await rm(cache, { recursive: true, force: true });
  });

  it('builds both precisions off the main thread, then finds them in the cache', async () => {
    const first = await prepareModels({ arch: 'tiny', seed: 3 }, ['fp32', 'int8'], logger());
    assert.deepEqual([...first.keys()], ['fp32', 'int8']);
    assert.equal(first.get('int8')?.precision, 'int8');
    const again = await prepareModels({ arch: 'tiny', seed: 3 }, ['fp32', 'int8'], logger());
    assert.equal(again.get('fp32')?.sha256, first.get('fp32')?.sha256);
    assert.equal(again.get('int8')?.path, first.get('int8')?.path);
  });

  it('a model failure keeps its class and hint', async () => {
    const failure = await prepareModels({ arch: 'resnet51', seed: 1 }, ['fp32'], logger()).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(failure instanceof ModelFailure, String(failure));
    assert.match(failure.message, /unknown model 'resnet51'/);
    assert.ok(failure.hint?.includes('resnet50'));
  });

  it('an abort during a long build ends it at once: InterruptedError, no model stored', async () => {
    const controller = new AbortController();
    // The first progress line of the ResNet-50 build: the synchronous work has begun.
    const log = logger((message) => {
      if (/resnet50: stem/.test(message)) controller.abort('SIGINT');
    });
    const error = await prepareModels({ arch: 'resnet50', seed: 99 }, ['fp32'], log, controller.signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof InterruptedError, String(error));
    assert.match(error.message, /interrupted \(SIGINT\) during model preparation/);
    // The cache index maps build keys (`resnet50|fp32|seed=99|...`) to files: the tiny builds only.
    const index = JSON.parse(await readFile(join(cache, 'models', 'index.json'), 'utf8')) as { entries: Record<string, unknown> };
    const keys = Object.keys(index.entries);
    assert.ok(keys.some((k) => k.startsWith('tiny|')), keys.join(', '));
    assert.ok(!keys.some((k) => k.startsWith('resnet50|')), `no resnet50 build stored: ${keys.join(', ')}`);
    assert.equal((await readdir(join(cache, 'models'))).filter((f) => f.endsWith('.onnx')).length, keys.length, 'no model file without its index entry');
  });
});
