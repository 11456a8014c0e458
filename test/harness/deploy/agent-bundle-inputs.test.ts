// The agent bundle holds agent/ only: esbuild names each bundled module in a `// dist/...`
// comment, and none of them may come from model/ or harness/ (onnxruntime-node stays external).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { agentBundle, AGENT_FILE } from '../../../harness/deploy/agent-bundle.js';

test('the esbuild agent bundle is made of dist/agent/ modules only', async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'vharness-bundle-inputs-'));
  try {
    const bundle = await agentBundle({ cacheDir });
    const agent = bundle.files.find((file) => file.target === AGENT_FILE);
    assert.ok(agent, 'the bundle has the agent file');
    const modules = [...new Set(readFileSync(agent.source, 'utf8').match(/^\/\/ \S+\.js$/gm) ?? [])].map((line) => line.slice(3));
    assert.ok(modules.includes('dist/agent/main.js') && modules.includes('dist/agent/protocol.js'), modules.join(', '));
    assert.deepEqual(modules.filter((path) => !path.startsWith('dist/agent/')), []);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
