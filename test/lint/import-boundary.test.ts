// The folder boundaries of eslint.config.js fire: agent/ imports nothing outside agent/ (but
// node:* and onnxruntime-node), model/ imports nothing from harness/.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function boundaryMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result);
  return result.messages.filter((m) => m.ruleId === 'vharness/import-boundary').map((m) => m.message);
}

test('agent/: imports from harness/ or model/, other packages and dynamic imports outside agent/ are errors', async () => {
  const code = [
    "import { ExitCode } from '../harness/errors.js';",
    "import { ModelFailure } from '../model/model-failure.js';",
    "import yaml from 'yaml';",
    "export { ExitCode, ModelFailure, yaml };",
    "export const later = () => import('../harness/cli.js');",
  ].join('\n');
  const messages = await boundaryMessages('agent/probe.ts', code);
  assert.equal(messages.length, 4, messages.join('\n'));
  assert.match(messages[0] ?? '', /'\.\.\/harness\/errors\.js' .* is outside agent\//);
  assert.match(messages[2] ?? '', /package 'yaml'/);
});

test('agent/: its own files, node: builtins and onnxruntime-node are fine', async () => {
  const code = "import { cpus } from 'node:os';\nimport ort from 'onnxruntime-node';\nimport { PROTOCOL_VERSION } from './protocol.js';\nexport { cpus, ort, PROTOCOL_VERSION };\n";
  assert.deepEqual(await boundaryMessages('agent/probe.ts', code), []);
});

test('model/: harness/ is forbidden, agent/ and packages are fine', async () => {
  const code = "import { ExitCode } from '../harness/errors.js';\nexport * from '../harness/log.js';\nimport ort from '../agent/onnxruntime.js';\nimport yaml from 'yaml';\nexport { ExitCode, ort, yaml };\n";
  const messages = await boundaryMessages('model/probe.ts', code);
  assert.equal(messages.length, 2, messages.join('\n'));
  assert.ok(messages.every((m) => /is in harness\/, which this folder must not import/.test(m)));
});
