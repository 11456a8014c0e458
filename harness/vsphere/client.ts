// A small typed vim25 SOAP client: one keep-alive HTTPS agent, the session cookie, transparent
// re-login when the session is gone (a NotAuthenticated fault, or a missingSet carrying one),
// property retrieval with paging, and a count of calls per method (tests and logs read it).
import https from 'node:https';
import type { Logger } from '../log.js';
import { localizedFault, VsphereFault } from './fault.js';
import { MoRef } from './moref.js';
import { createTrustAgent, type Trust } from './trust-agent.js';
import { asArray, asMoRef, asString, field, type VimObject, type VimValue } from './value.js';
import { encodeRequest } from './xml-encode.js';
import { child, decodeValue, parseXml, xsiType, type XmlElement } from './xml-decode.js';

export interface VimClientOptions {
  /** `https://host[:port]/sdk` */
  url: string;
  user: string;
  /** Never logged, never part of an error message. */
  password: string;
  trust: Trust;
  /** Deadline of one SOAP request. @default 60000 */
  requestTimeoutMs?: number;
  /** Parallel HTTPS connections. @default 8 */
  maxSockets?: number;
  log: Logger;
}

/** The parts of ServiceContent vharness uses. */
export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  searchIndex: MoRef;
  sessionManager: MoRef;
  customFieldsManager: MoRef | undefined;
  authorizationManager: MoRef | undefined;
  about: { fullName: string; version: string; apiVersion: string; apiType: string; instanceUuid: string };
}

/** One object of a RetrievePropertiesEx answer. */
export interface ObjectContent {
  obj: MoRef;
  props: Record<string, VimValue>;
  /** Properties the server could not read, with the fault name. */
  missing: { path: string; fault: string; message: string }[];
}

/** A PropertyFilterSpec's parts: which properties of which types, starting where. */
export interface PropertySpec {
  type: string;
  pathSet?: string[];
  all?: boolean;
}

export interface ObjectSpec {
  obj: MoRef;
  skip?: boolean;
  /** Traversal specs (already in vim25 shape). */
  selectSet?: VimObject[];
}

const SERVICE_INSTANCE = new MoRef('ServiceInstance', 'ServiceInstance');
const SESSION_COOKIE = 'vmware_soap_session';
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

function isNotAuthenticated(fault: string): boolean {
  return fault === 'NotAuthenticated';
}

export class VimClient {
  readonly url: URL;
  readonly user: string;
  private readonly password: string;
  private readonly agent: https.Agent;
  private readonly requestTimeoutMs: number;
  private readonly log: Logger;
  private cookie: string | undefined;
  private apiVersion = '6.5';
  private content: ServiceContent | undefined;
  private loggingIn: Promise<void> | undefined;
  private readonly counts = new Map<string, number>();
  private closed = false;
  /** The transport failure (no answer in time, connection refused) after which no call is sent. */
  private unreachable: VsphereFault | undefined;

  constructor(options: VimClientOptions) {
    this.url = new URL(options.url);
    if (this.url.protocol !== 'https:') throw new VsphereFault({ fault: 'InvalidUrl', message: `Expected an https:// vCenter URL, got '${options.url}'` });
    this.user = options.user;
    this.password = options.password;
    const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!Number.isInteger(timeout) || timeout <= 0) throw new VsphereFault({ fault: 'InvalidArgument', message: `Expected requestTimeoutMs to be a positive integer, got ${timeout}` });
    this.requestTimeoutMs = timeout;
    this.agent = createTrustAgent(options.trust, { maxSockets: options.maxSockets ?? 8 });
    this.log = options.log;
  }

  /** The ServiceContent read by `connect()`. */
  get service(): ServiceContent {
    if (!this.content) throw new VsphereFault({ fault: 'NotConnected', message: 'call connect() first' });
    return this.content;
  }

  /** The no-answer failure after which this client sends nothing more (undefined while vCenter answers). */
  get unavailable(): VsphereFault | undefined {
    return this.unreachable;
  }

  /** SOAP calls made per method since the client was created (e.g. `CloneVM_Task`). */
  callCount(method: string): number {
    return this.counts.get(method) ?? 0;
  }

  /** Reads the ServiceContent and logs in. */
  async connect(): Promise<ServiceContent> {
    const sc = await this.rawCall('RetrieveServiceContent', SERVICE_INSTANCE, {});
    const value = sc ? decodeValue(sc) : undefined;
    const ref = (key: string): MoRef => {
      const r = asMoRef(field(value, key));
      if (!r) throw new VsphereFault({ fault: 'Protocol', message: `ServiceContent has no ${key}`, method: 'RetrieveServiceContent' });
      return r;
    };
    const about = field(value, 'about');
    this.content = {
      rootFolder: ref('rootFolder'),
      propertyCollector: ref('propertyCollector'),
      viewManager: ref('viewManager'),
      searchIndex: ref('searchIndex'),
      sessionManager: ref('sessionManager'),
      customFieldsManager: asMoRef(field(value, 'customFieldsManager')),
      authorizationManager: asMoRef(field(value, 'authorizationManager')),
      about: {
        fullName: asString(field(about, 'fullName')) ?? '',
        version: asString(field(about, 'version')) ?? '',
        apiVersion: asString(field(about, 'apiVersion')) ?? '',
        apiType: asString(field(about, 'apiType')) ?? '',
        instanceUuid: asString(field(about, 'instanceUuid')) ?? '',
      },
    };
    if (this.content.about.apiVersion) this.apiVersion = this.content.about.apiVersion;
    await this.login();
    return this.content;
  }

  /** Logs in (again): one login at a time however many calls found the session gone. */
  private login(): Promise<void> {
    if (!this.loggingIn) {
      this.loggingIn = (async () => {
        this.cookie = undefined; // a Login carrying a live session cookie is refused
        await this.rawCall('Login', this.service.sessionManager, { userName: this.user, password: this.password });
        this.log.debug(`vsphere: logged in to ${this.url.host} as ${this.user}`);
      })().finally(() => {
        this.loggingIn = undefined;
      });
    }
    return this.loggingIn;
  }

  /** Ends the session (best effort) and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.content && this.cookie && !this.unreachable) await this.rawCall('Logout', this.content.sessionManager, {});
    } catch (error) {
      this.log.debug(`vsphere: logout failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.agent.destroy();
    }
  }

  /**
   * Calls `method` on `self`; answers the decoded `returnval` (undefined for void methods).
   * A NotAuthenticated fault logs in again and repeats the call once.
   */
  async call(method: string, self: MoRef, params: Record<string, VimValue> = {}): Promise<VimValue> {
    const returnval = await this.callElement(method, self, params);
    return returnval === undefined ? undefined : decodeValue(returnval);
  }

  private async callElement(method: string, self: MoRef, params: Record<string, VimValue>): Promise<XmlElement | undefined> {
    try {
      return await this.rawCall(method, self, params);
    } catch (error) {
      if (!(error instanceof VsphereFault) || !isNotAuthenticated(error.fault)) throw error;
      this.log.info(`vsphere: session on ${this.url.host} is gone (${method}); logging in again`);
      await this.login();
      return this.rawCall(method, self, params);
    }
  }

  /**
   * RetrievePropertiesEx plus every ContinueRetrievePropertiesEx page. A missingSet saying
   * NotAuthenticated (what an expired session gets) logs in again and retrieves once more.
   */
  async retrieve(propSet: PropertySpec[], objectSet: ObjectSpec[]): Promise<ObjectContent[]> {
    const first = await this.retrieveAll(propSet, objectSet);
    if (!first.some((o) => o.missing.some((m) => isNotAuthenticated(m.fault)))) return first;
    this.log.info(`vsphere: session on ${this.url.host} is gone (RetrievePropertiesEx); logging in again`);
    await this.login();
    const second = await this.retrieveAll(propSet, objectSet);
    const denied = second.find((o) => o.missing.some((m) => isNotAuthenticated(m.fault)));
    if (denied) throw new VsphereFault({ fault: 'NotAuthenticated', message: 'still not authenticated after logging in again', method: 'RetrievePropertiesEx', object: denied.obj });
    return second;
  }

  private async retrieveAll(propSet: PropertySpec[], objectSet: ObjectSpec[]): Promise<ObjectContent[]> {
    const pc = this.service.propertyCollector;
    const specSet: VimObject = {
      propSet: propSet.map((p) => ({ type: p.type, all: p.all ?? (p.pathSet === undefined ? true : false), pathSet: p.pathSet })),
      objectSet: objectSet.map((o) => ({ obj: o.obj, skip: o.skip ?? false, selectSet: o.selectSet })),
    };
    const out: ObjectContent[] = [];
    let result = await this.call('RetrievePropertiesEx', pc, { specSet, options: {} });
    for (;;) {
      for (const oc of asArray(field(result, 'objects'))) out.push(objectContent(oc));
      const token = asString(field(result, 'token'));
      if (token === undefined || token === '') return out;
      result = await this.call('ContinueRetrievePropertiesEx', pc, { token });
    }
  }

  /** Selected properties of one object (missing ones left out; a missing object throws). */
  async properties(obj: MoRef, pathSet: string[]): Promise<Record<string, VimValue>> {
    let contents: ObjectContent[];
    try {
      contents = await this.retrieve([{ type: obj.type, pathSet }], [{ obj }]);
    } catch (error) {
      // The collector faults on its own object; name the one that is gone.
      if (error instanceof VsphereFault && error.fault === 'ManagedObjectNotFound') {
        throw new VsphereFault({ fault: error.fault, message: `${obj.toString()} does not exist (deleted or not created yet)`, method: 'RetrievePropertiesEx', object: obj, detail: error.detail }, { cause: error });
      }
      throw error;
    }
    const [content] = contents;
    if (!content) throw new VsphereFault({ fault: 'ManagedObjectNotFound', message: 'object not found', method: 'RetrievePropertiesEx', object: obj });
    const gone = content.missing.find((m) => m.fault === 'ManagedObjectNotFound');
    if (gone) throw new VsphereFault({ fault: gone.fault, message: gone.message, method: 'RetrievePropertiesEx', object: obj });
    return content.props;
  }

  /** One SOAP round trip: encode, POST over the keep-alive agent, decode returnval or fault. */
  private async rawCall(method: string, self: MoRef, params: Record<string, VimValue>): Promise<XmlElement | undefined> {
    if (this.closed && method !== 'Logout') throw new VsphereFault({ fault: 'NotConnected', message: 'client is closed', method });
    // Circuit breaker: after one call got no answer (frozen or dead vCenter), fail at once.
    if (this.unreachable) throw new VsphereFault({ fault: 'Unavailable', message: `not sent: ${this.url.host} did not answer an earlier call (${this.unreachable.message})`, method, object: self });
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    const body = encodeRequest(method, self, params);
    let answer: { status: number; text: string };
    try {
      answer = await this.post(method, self, body);
    } catch (error) {
      if (error instanceof VsphereFault && (error.fault === 'Transport' || error.fault === 'Timeout')) this.unreachable = error;
      throw error;
    }
    const { status, text } = answer;
    let envelope: XmlElement;
    try {
      envelope = parseXml(text);
    } catch (error) {
      throw new VsphereFault({ fault: 'Protocol', message: `HTTP ${status}: not a SOAP answer (${text.slice(0, 120).replace(/\s+/g, ' ')})`, method, object: self }, { cause: error });
    }
    const soapBody = child(envelope, 'Body');
    const fault = child(soapBody, 'Fault');
    if (fault) throw soapFault(fault, method, self);
    if (status !== 200) throw new VsphereFault({ fault: 'Protocol', message: `HTTP ${status} without a SOAP fault`, method, object: self });
    const response = soapBody?.children[0];
    return child(response, 'returnval');
  }

  private post(method: string, self: MoRef, body: string, retried = false): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: `"urn:vim25/${this.apiVersion}"`,
        'Content-Length': Buffer.byteLength(body),
      };
      if (this.cookie) headers.Cookie = `${SESSION_COOKIE}="${this.cookie}"`;
      const req = https.request(this.url, { method: 'POST', agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (error) => reject(transportFault(error, method, self)));
        res.on('end', () => {
          this.takeCookie(res.headers['set-cookie']);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.setTimeout(this.requestTimeoutMs, () => {
        req.destroy(new VsphereFault({ fault: 'Timeout', message: `no answer within ${this.requestTimeoutMs} ms`, method, object: self }));
      });
      req.on('error', (error: Error & { code?: string }) => {
        // A kept-alive socket the server closed meanwhile: the request never arrived, send it again.
        if (!retried && req.reusedSocket && error.code === 'ECONNRESET') {
          this.log.debug(`vsphere: ${method}: kept-alive connection was closed by the server; retrying once on a new one`);
          this.post(method, self, body, true).then(resolve, reject);
          return;
        }
        reject(error instanceof VsphereFault ? error : transportFault(error, method, self));
      });
      req.end(body);
    });
  }

  private takeCookie(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const m = new RegExp(`^${SESSION_COOKIE}=("?)([^";]*)\\1`).exec(line);
      if (m?.[2]) this.cookie = m[2];
    }
  }
}

function transportFault(error: Error & { code?: string }, method: string, self: MoRef): VsphereFault {
  return new VsphereFault({ fault: 'Transport', message: `${error.code ?? error.name}: ${error.message}`, method, object: self }, { cause: error });
}

function soapFault(fault: XmlElement, method: string, self: MoRef): VsphereFault {
  const message = child(fault, 'faultstring')?.text.trim() ?? '';
  const detailElement = child(fault, 'detail')?.children[0];
  let name = detailElement ? (xsiType(detailElement) ?? detailElement.name.replace(/Fault$/, '')) : undefined;
  if (name === undefined) name = child(fault, 'faultcode')?.text.trim() || 'SoapFault';
  const detail = detailElement ? decodeValue(detailElement) : undefined;
  return new VsphereFault({ fault: name, message, method, object: self, detail });
}

function objectContent(value: VimValue): ObjectContent {
  const obj = asMoRef(field(value, 'obj')) ?? new MoRef('', '');
  const props: Record<string, VimValue> = {};
  for (const p of asArray(field(value, 'propSet'))) {
    const name = asString(field(p, 'name'));
    if (name !== undefined) props[name] = field(p, 'val');
  }
  const missing = asArray(field(value, 'missingSet')).map((m) => ({ path: asString(field(m, 'path')) ?? '', ...localizedFault(field(m, 'fault')) }));
  return { obj, props, missing };
}
