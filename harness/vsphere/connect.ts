// Opens a vCenter connection from inventory settings: reads the password (SecretRef) and the
// CA file, picks the trust mode, connects and logs in.
import { readFile } from 'node:fs/promises';
import type { VsphereSettings } from '../config/types.js';
import { VsphereError } from '../errors.js';
import type { Logger } from '../log.js';
import { readSecret } from '../secrets.js';
import { VimClient } from './client.js';
import type { Trust } from './trust-agent.js';

export interface ConnectOptions {
  /** Deadline of one SOAP request. @default 60000 */
  requestTimeoutMs?: number;
}

/** The certificate policy of the inventory: CA file, pinned thumbprint, insecure, or system CAs. */
export async function trustOf(settings: Pick<VsphereSettings, 'ca' | 'thumbprint' | 'insecure'>): Promise<Trust> {
  if (settings.insecure) return { kind: 'insecure' };
  if (settings.thumbprint !== undefined) return { kind: 'thumbprint', sha256: settings.thumbprint };
  if (settings.ca !== undefined) {
    try {
      return { kind: 'ca', pem: await readFile(settings.ca, 'utf8'), file: settings.ca };
    } catch (error) {
      throw new VsphereError(`cannot read vm.ca file ${settings.ca}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return { kind: 'system' };
}

/** A connected, logged-in client. */
export async function connectVsphere(settings: VsphereSettings, log: Logger, options: ConnectOptions = {}): Promise<VimClient> {
  const password = await readSecret(settings.password, 'vCenter password');
  const client = new VimClient({
    url: settings.url,
    user: settings.user,
    password,
    trust: await trustOf(settings),
    log,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
  });
  try {
    await client.connect();
  } catch (error) {
    await client.close();
    throw error;
  }
  log.debug(`vsphere: connected to ${client.service.about.fullName} at ${client.url.host}`);
  return client;
}
