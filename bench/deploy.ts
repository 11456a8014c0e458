// Deploy benchmark: the agent deployed to N sshd lab guests (default 8) cold, then warm, over
// real SSH on loopback: seconds and MB moved. `node dist/bench/deploy.js [--guests N]
// [--bundled-node] [--json]`. Loopback numbers: they measure vharness's own overhead, not a WAN.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { agentBundle, nodeBundle } from '../harness/deploy/agent-bundle.js';
import { formatBytes } from '../harness/deploy/format-bytes.js';
import { RemoteHost } from '../harness/deploy/remote-host.js';
import { labDown, labUp } from '../harness/lab/lab.js';
import { silentLogger } from '../harness/log.js';
import { SshPool } from '../harness/transport/ssh-pool.js';

interface Pass {
  pass: 'cold' | 'warm';
  seconds: number;
  bytes: number;
}

async function deployAll(hosts: RemoteHost[]): Promise<Pass['bytes']> {
  const results = await Promise.all(hosts.map((h) => h.deploy()));
  return results.reduce((sum, r) => sum + r.bytesMoved, 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { guests: { type: 'string' }, 'bundled-node': { type: 'boolean' }, json: { type: 'boolean' } } });
  const guests = Number(values.guests ?? 8);
  if (!Number.isInteger(guests) || guests < 1 || guests > 64) throw new Error(`Expected --guests to be an integer from 1 to 64, got '${values.guests}'`);
  const root = await mkdtemp(join(tmpdir(), 'vharness-bench-deploy-'));
  const dir = join(root, 'lab');
  const withoutNode = values['bundled-node'] ? Array.from({ length: guests }, (_, i) => i + 1) : [];
  const bundleStart = process.hrtime.bigint();
  const bundle = await agentBundle();
  const runtime = values['bundled-node'] ? await nodeBundle() : undefined;
  const bundleSeconds = Number(process.hrtime.bigint() - bundleStart) / 1e9;
  const state = await labUp({ dir, guests, withoutNode }, silentLogger);
  const passes: Pass[] = [];
  try {
    for (const pass of ['cold', 'warm'] as const) {
      // A fresh pool and hosts per pass: the warm pass reconnects and checks markers like a new run.
      const pool = new SshPool(
        { knownHosts: state.knownHosts, trustOnFirstUse: false, connectTimeoutMs: 10_000, retries: 3, keepaliveIntervalMs: 5000, keepaliveCountMax: 3, concurrency: 8 },
        silentLogger,
      );
      const hosts = state.guests.map(
        (g) => new RemoteHost({ name: g.name, address: g.address, port: g.port, user: state.user, key: { file: state.clientKey }, dir: g.remoteDir, node: 'auto' }, pool, silentLogger),
      );
      const start = process.hrtime.bigint();
      const bytes = await deployAll(hosts);
      passes.push({ pass, seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes });
      await pool.closeAll();
    }
  } finally {
    await labDown(dir, silentLogger);
    await rm(root, { recursive: true, force: true });
  }
  const result = {
    guests,
    bundledNode: Boolean(values['bundled-node']),
    bundle: { hash: bundle.hash.slice(0, 12), files: bundle.files.length, bytes: bundle.bytes, nodeBytes: runtime?.bytes ?? 0, buildSeconds: bundleSeconds },
    passes,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `agent bundle ${result.bundle.hash}: ${result.bundle.files} files, ${formatBytes(result.bundle.bytes)}` +
      `${runtime ? ` + node runtime ${formatBytes(runtime.bytes)}` : ''}; local build/hash ${bundleSeconds.toFixed(2)} s\n`,
  );
  for (const p of passes) {
    process.stdout.write(`${p.pass.padEnd(5)} deploy to ${guests} guests: ${p.seconds.toFixed(2)} s, ${(p.bytes / 1e6).toFixed(1)} MB moved\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/deploy: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
