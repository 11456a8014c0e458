// Feeding a stream into an SSH channel with at most `limit` bytes the peer has not yet taken
// (acknowledged by a window adjust). Why: handed its whole 2 MB window at once, OpenSSH's sshd
// grows its channel buffer a little at a time (a copy into fresh pages each time), so the first
// large transfer of a connection costs it ~1 s of CPU for 18 MB; with 256 KB in flight it takes
// ~0.25 s (eight lab guests at once: 5.4 s -> 0.9 s). The window is read from ssh2's channel
// state (`outgoing.window`, outside its typings): where it is not there, the stream is piped
// as is. A peer that has not acknowledged anything within `stallMs` (one that acknowledges only
// at half its window) gets the whole window.
import type { Readable, Writable } from 'node:stream';

/** Bytes in flight per channel. OpenSSH acknowledges every 3 packets (96 KB) consumed. */
export const IN_FLIGHT_BYTES = 256 * 1024;

export interface FeedOptions {
  /** At most this many unacknowledged bytes. @default IN_FLIGHT_BYTES */
  limit?: number;
  /** Without an acknowledgement for this long, stop pacing (the peer waits for more). @default 2000 */
  stallMs?: number;
}

export interface FeedResult {
  /** Bytes written into the channel. */
  bytes: number;
  /** Whether pacing applied (the peer's window was larger than the limit). */
  paced: boolean;
  /** Most bytes ever unacknowledged right after a write. */
  maxInFlight: number;
  /** Whether pacing was lifted because the peer did not acknowledge within `stallMs`. */
  stalled: boolean;
}

interface Outgoing {
  window: number;
}

/** ssh2's outgoing window state of a channel, when it is a plain writable number property. */
function outgoingOf(channel: object): Outgoing | undefined {
  const outgoing: unknown = (channel as { outgoing?: unknown }).outgoing;
  if (typeof outgoing !== 'object' || outgoing === null) return undefined;
  const property = Object.getOwnPropertyDescriptor(outgoing, 'window');
  if (!property || typeof property.value !== 'number' || !property.writable || !property.configurable) return undefined;
  return outgoing as Outgoing;
}

/** The stream's chunks cut to at most `size` bytes (a large read is sent a window's part at a time). */
async function* pieces(input: Readable, size: number): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    const buffer = chunk as Buffer;
    for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
  }
}

/**
 * Writes `input` into `channel` and ends it, keeping at most `limit` bytes unacknowledged.
 * Resolves when everything is written or the channel has closed (the remote command ended
 * early: the caller reads its exit status); rejects when `input` fails.
 */
export async function feedPaced(channel: Writable, input: Readable, options: FeedOptions = {}): Promise<FeedResult> {
  const limit = options.limit ?? IN_FLIGHT_BYTES;
  // Long enough that a busy machine's scheduling delays are not taken for a peer that waits.
  const stallMs = options.stallMs ?? 2000;
  let closed = channel.destroyed || channel.writableEnded;
  let wake: (() => void) | undefined;
  const onClose = (): void => {
    closed = true;
    wake?.();
  };
  channel.once('close', onClose);
  const outgoing = outgoingOf(channel);
  let window = outgoing?.window ?? 0;
  const granted = window;
  // Told when ssh2 records a window adjust (the window grows), so waiting needs no polling.
  if (outgoing) {
    Object.defineProperty(outgoing, 'window', {
      configurable: true,
      enumerable: true,
      get: () => window,
      set: (value: number) => {
        const grew = value > window;
        window = value;
        if (grew) wake?.();
      },
    });
  }
  const pause = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  const result: FeedResult = { bytes: 0, paced: outgoing !== undefined && granted > limit, maxInFlight: 0, stalled: false };
  const inFlight = (): number => granted - window + channel.writableLength;
  try {
    for await (const chunk of pieces(input, Math.max(1, Math.floor(limit / 4)))) {
      while (result.paced && !result.stalled && !closed && inFlight() + chunk.length > limit) {
        if (!(await pause(stallMs))) result.stalled = true;
        wake = undefined;
      }
      if (closed) break;
      const accepted = channel.write(chunk);
      result.bytes += chunk.length;
      result.maxInFlight = Math.max(result.maxInFlight, inFlight());
      if (!accepted) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            channel.off('drain', done);
            resolve();
          };
          wake = done;
          channel.once('drain', done);
        });
        wake = undefined;
      }
      if (closed) break;
    }
    if (!closed) channel.end();
    return result;
  } finally {
    channel.off('close', onClose);
    if (closed) input.destroy();
    if (outgoing) Object.defineProperty(outgoing, 'window', { configurable: true, enumerable: true, writable: true, value: window });
  }
}
