// Models on SSH hosts, content-addressed like bundles: <dir>/models/<sha256>.onnx, uploaded to
// a temporary name and renamed into place, so a file under its final name is complete and a
// second staging moves nothing.
import { posix } from 'node:path';
import type { Logger } from '../log.js';
import { shellQuote, type SshConnection } from '../transport/ssh-connection.js';
import { formatBytes } from './format-bytes.js';

export interface StagedModel {
  path: string;
  bytesMoved: number;
}

/** Sends the model unless `<dir>/models/<sha256>.onnx` already exists; returns its remote path. */
export async function stageModel(connection: SshConnection, remoteRoot: string, localPath: string, sha256: string, log: Logger): Promise<StagedModel> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`Expected sha256 to be 64 lowercase hex digits, got \`${sha256}\``);
  const dir = posix.join(remoteRoot, 'models');
  const path = posix.join(dir, `${sha256}.onnx`);
  // One command: is it there, and if not, make the directory.
  const present = await connection.run(`if test -f ${shellQuote(path)}; then echo present; else mkdir -p ${shellQuote(dir)} && echo absent; fi`);
  if (present.trim() === 'present') {
    log.debug(`${connection.host}: model ${sha256.slice(0, 12)} already there, 0 bytes uploaded`);
    return { path, bytesMoved: 0 };
  }
  const partial = `${path}.partial-${process.pid}-${Date.now()}`;
  const started = Date.now();
  const bytes = await connection.upload(localPath, partial, 0o644);
  await connection.run(`mv -f ${shellQuote(partial)} ${shellQuote(path)}`);
  log.info(`${connection.host}: model ${sha256.slice(0, 12)} uploaded: ${formatBytes(bytes)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { path, bytesMoved: bytes };
}
