// The model package's failures become the controller's error classes with their exit codes,
// keeping message, hint and cause.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asVharnessError, ExitCode, ModelError, UsageError } from '../../harness/errors.js';
import { ModelFailure } from '../../model/model-failure.js';

test('a model failure maps to ModelError (exit 4), an input failure to UsageError (exit 2)', () => {
  const cause = new Error('inner');
  const model = asVharnessError(new ModelFailure('m.onnx: not an ONNX model', { hint: 'pass an .onnx file', cause }));
  assert.ok(model instanceof ModelError);
  assert.equal(model.exitCode, ExitCode.model);
  assert.equal(model.message, 'm.onnx: not an ONNX model');
  assert.equal(model.hint, 'pass an .onnx file');
  assert.equal(model.cause, cause);
  const input = asVharnessError(new ModelFailure('x.jpg is not a JPEG or PNG image', { kind: 'input' }));
  assert.ok(input instanceof UsageError);
  assert.equal(input.exitCode, ExitCode.usage);
  assert.equal(input.message, 'x.jpg is not a JPEG or PNG image');
});

test('other errors pass through unchanged', () => {
  const error = new Error('boom');
  assert.equal(asVharnessError(error), error);
  const usage = new UsageError('bad flag');
  assert.equal(asVharnessError(usage), usage);
});
