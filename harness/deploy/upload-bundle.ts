// Content-addressed upload: a bundle goes to <dir>/bundles/<hash>/ on the host, with a
// completion marker written last; a bundle whose marker is there is not sent again, so a
// second deploy moves 0 bytes. An interrupted upload (no marker) is redone from the start.
// On the wire it is one compressed tar stream (zstd when both sides have it, else gzip) unpacked
// by one command that also writes the marker (~3x fewer bytes, one channel); a host without
// tar or the decompressor gets the files one by one over SFTP.
import pLimit from 'p-limit';
import { posix } from 'node:path';
import { SshError } from '../errors.js';
import type { Logger } from '../log.js';
import { shellQuote, type SshConnection } from '../transport/ssh-connection.js';
import type { Bundle } from './agent-bundle.js';
import { formatFor, FORMATS } from './archive-formats.js';
import { bundleArchive } from './bundle-archive.js';
import { formatBytes } from './format-bytes.js';

export const COMPLETE_MARKER = '.complete';

export interface UploadResult {
  /** Remote directory holding the bundle. */
  dir: string;
  bytesMoved: number;
  filesMoved: number;
  /** True when the bundle was already complete on the host. */
  reused: boolean;
}

/** Remote directory of a bundle under a vharness dir (already `~`-expanded). */
export function bundleDir(remoteRoot: string, bundle: Bundle): string {
  return posix.join(remoteRoot, 'bundles', bundle.hash);
}

/** Whether the bundle's completion marker exists on the host. */
export async function bundlePresent(connection: SshConnection, dir: string): Promise<boolean> {
  const result = await connection.exec(`test -f ${shellQuote(posix.join(dir, COMPLETE_MARKER))}`);
  return result.code === 0;
}

/** Every file over SFTP (hosts without tar/gzip); answers the bytes sent. */
async function uploadFiles(connection: SshConnection, dir: string, bundle: Bundle): Promise<number> {
  const dirs = new Set(bundle.files.map((f) => posix.dirname(posix.join(dir, f.target))));
  await connection.run(`rm -f ${shellQuote(posix.join(dir, COMPLETE_MARKER))} && mkdir -p ${[...dirs].map(shellQuote).join(' ')}`);
  const limit = pLimit(4);
  let bytes = 0;
  await Promise.all(
    bundle.files.map((file) =>
      limit(async () => {
        // Not `bytes += await ...`: that reads `bytes` before the await and loses concurrent sums.
        const sent = await connection.upload(file.source, posix.join(dir, file.target), file.mode);
        bytes += sent;
      }),
    ),
  );
  return bytes;
}

export interface UploadOptions {
  /** Whether the bundle is complete there, when already asked. @default asked with one command */
  known?: boolean;
  /** The host has a runnable zstd (bundles then travel as tar.zst when this machine has it too). @default false */
  zstd?: boolean;
}

/** Uploads the bundle unless it is complete there; logs what moved (or that nothing did). */
export async function uploadBundle(connection: SshConnection, remoteRoot: string, bundle: Bundle, log: Logger, options: UploadOptions = {}): Promise<UploadResult> {
  const known = options.known;
  const dir = bundleDir(remoteRoot, bundle);
  const short = bundle.hash.slice(0, 12);
  if (known ?? (await bundlePresent(connection, dir))) {
    log.info(`${connection.host}: ${bundle.kind} bundle ${short} already deployed, 0 bytes uploaded`);
    return { dir, bytesMoved: 0, filesMoved: 0, reused: true };
  }
  const started = Date.now();
  const archive = await bundleArchive(bundle, undefined, await formatFor(options.zstd ?? false));
  const format = FORMATS[archive.format];
  const markerPath = posix.join(dir, COMPLETE_MARKER);
  const marker = shellQuote(markerPath);
  const markerText = (bytes: number): string => `${JSON.stringify({ hash: bundle.hash, files: bundle.files.length, bytes, at: new Date().toISOString() })}\n`;
  // Exit 127 from the guard: no runnable tar or decompressor there (bash's `command -v` also
  // names a file that is not executable, hence -x). The marker is written by the same command.
  const unpack = await connection.pipeFile(
    archive.path,
    `test -x "$(command -v tar)" && test -x "$(command -v ${format.tool})" || exit 127; rm -f ${marker} && mkdir -p ${shellQuote(dir)} && ${format.unpack(shellQuote(dir))} && printf %s ${shellQuote(markerText(archive.bytes))} > ${marker}`,
  );
  let bytes = archive.bytes;
  let how = format.suffix;
  if (unpack.code === 127) {
    bytes = await uploadFiles(connection, dir, bundle);
    how = 'sftp';
    await connection.writeFile(markerPath, markerText(bytes));
  } else if (unpack.code !== 0) {
    const how = unpack.code ?? unpack.signal ?? `no exit status${connection.isClosed ? `: ${connection.closeReasonText}` : ', the channel closed early'}`;
    throw new SshError(connection.host, `unpacking the ${bundle.kind} bundle failed (${how}): ${unpack.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  }
  const seconds = (Date.now() - started) / 1000;
  log.info(`${connection.host}: ${bundle.kind} bundle ${short} uploaded: ${bundle.files.length} file${bundle.files.length === 1 ? '' : 's'}, ${formatBytes(bundle.bytes)} as ${formatBytes(bytes)} (${how}) in ${seconds.toFixed(1)} s`);
  return { dir, bytesMoved: bytes, filesMoved: bundle.files.length, reused: false };
}
