// Models on SSH hosts, content-addressed like bundles: <dir>/models/<sha256>.onnx, uploaded to
// a temporary name and renamed into place, so a file under its final name is complete and a
// second staging moves nothing. Checking and sending are one command (one exec channel).
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { SshError } from '../errors.js';
import type { Logger } from '../log.js';
import { shellQuote, type SshConnection } from '../transport/ssh-connection.js';
import { formatBytes } from './format-bytes.js';

export interface StagedModel {
  path: string;
  bytesMoved: number;
}

/** The file name of a staged model. */
export function modelFile(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`Expected sha256 to be 64 lowercase hex digits, got \`${sha256}\``);
  return `${sha256}.onnx`;
}

/** Sends the model unless `<dir>/models/<sha256>.onnx` already exists; returns its remote path. */
export async function stageModel(connection: SshConnection, remoteRoot: string, localPath: string, sha256: string, log: Logger): Promise<StagedModel> {
  const dir = posix.join(remoteRoot, 'models');
  const path = posix.join(dir, modelFile(sha256));
  const partial = `${path}.partial-${process.pid}-${Date.now()}`;
  const started = Date.now();
  // One command: answer `present`, or ask for the file (`send`), store it and rename it into place.
  const [p, d, t] = [path, dir, partial].map(shellQuote);
  const command = `if test -f ${p}; then echo present; else mkdir -p ${d} && echo send && cat > ${t} && mv -f ${t} ${p} && echo stored; fi`;
  const result = await connection.offerFile(localPath, command);
  const answer = result.stdout.trim().split('\n');
  if (result.code === 0 && answer[0] === 'present') {
    log.debug(`${connection.host}: model ${sha256.slice(0, 12)} already there, 0 bytes uploaded`);
    return { path, bytesMoved: 0 };
  }
  if (result.code !== 0 || answer.at(-1) !== 'stored') {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' / ');
    await connection.exec(`rm -f ${t}`).catch(() => undefined);
    throw new SshError(connection.host, `staging model ${sha256.slice(0, 12)} to ${path} failed (exit ${result.code ?? result.signal ?? 'none'})${detail ? `: ${detail}` : ''}`);
  }
  const bytes = (await stat(localPath)).size;
  log.info(`${connection.host}: model ${sha256.slice(0, 12)} uploaded: ${formatBytes(bytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { path, bytesMoved: bytes };
}
