// The one HTTPS agent of a vCenter connection: keep-alive, and the certificate policy of that
// connection only (never NODE_TLS_REJECT_UNAUTHORIZED). A pinned thumbprint is checked before
// the socket is handed to HTTP, so not a byte of a request (the Login password) reaches a
// server with another certificate.
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { VsphereFault } from './fault.js';

/** How the server certificate is trusted. */
export type Trust =
  | { kind: 'system' }
  | { kind: 'ca'; pem: string; file: string }
  | { kind: 'thumbprint'; sha256: string }
  | { kind: 'insecure' };

export interface TrustAgentOptions {
  /** Parallel connections to vCenter. @default 8 */
  maxSockets?: number;
}

/** `AA:BB:...` (any case, with or without colons) to `aabb...`. */
export function normalizeThumbprint(text: string): string {
  return text.replace(/[:\s]/g, '').toLowerCase();
}

class PinnedAgent extends https.Agent {
  private readonly sha256: string;
  constructor(options: https.AgentOptions, sha256: string) {
    super({ ...options, rejectUnauthorized: false });
    this.sha256 = normalizeThumbprint(sha256);
  }

  override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection({ ...options, rejectUnauthorized: false }) as TLSSocket;
    const done = callback ?? (() => {});
    const onError = (error: Error): void => done(error, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.removeListener('error', onError);
      const seen = normalizeThumbprint(socket.getPeerCertificate().fingerprint256 ?? '');
      if (seen !== this.sha256) {
        const error = new VsphereFault({
          fault: 'CertificateMismatch',
          message: `server certificate SHA-256 thumbprint ${seen.toUpperCase()} is not the pinned ${this.sha256.toUpperCase()}`,
        });
        socket.destroy();
        done(error, socket);
        return;
      }
      done(null, socket);
    });
    return undefined;
  }
}

/** A keep-alive agent applying `trust` to this connection's sockets only. */
export function createTrustAgent(trust: Trust, options: TrustAgentOptions = {}): https.Agent {
  const base: https.AgentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 8, maxFreeSockets: 4 };
  switch (trust.kind) {
    case 'system':
      return new https.Agent(base);
    case 'ca':
      return new https.Agent({ ...base, ca: trust.pem });
    case 'thumbprint':
      return new PinnedAgent(base, trust.sha256);
    case 'insecure':
      return new https.Agent({ ...base, rejectUnauthorized: false });
  }
}
