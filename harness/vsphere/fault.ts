// vSphere failures as one error class with checkable fields: the vim25 fault name (e.g.
// `InvalidLogin`, `NotAuthenticated`, `InvalidPowerState`), the method and object involved.
import { VsphereError, type VharnessErrorOptions } from '../errors.js';
import type { MoRef } from './moref.js';
import { asString, field, type VimValue } from './value.js';

export interface VsphereFaultInfo {
  /** vim25 fault type, e.g. `InvalidLogin`; `Transport` / `Timeout` / `Protocol` for non-SOAP failures. */
  fault: string;
  /** The server's (or our) message. */
  message: string;
  /** The method that failed, e.g. `CloneVM_Task`. */
  method?: string;
  /** The object it was called on, or the task's entity. */
  object?: MoRef;
  /** The decoded fault detail, when the server sent one. */
  detail?: VimValue;
}

/** A SOAP fault, a failed task, or a transport failure talking to vCenter. */
export class VsphereFault extends VsphereError {
  readonly fault: string;
  readonly method: string | undefined;
  readonly object: MoRef | undefined;
  readonly detail: VimValue;
  constructor(info: VsphereFaultInfo, options?: VharnessErrorOptions) {
    const where = [info.method, info.object?.toString()].filter((x) => x !== undefined).join(' on ');
    super(`${where ? `${where}: ` : ''}${info.fault}${info.message && info.message !== info.fault ? `: ${info.message}` : ''}`, options);
    this.fault = info.fault;
    this.method = info.method;
    this.object = info.object;
    this.detail = info.detail;
  }
}

/** Fault info from a LocalizedMethodFault value (task error, missingSet entry). */
export function localizedFault(value: VimValue): { fault: string; message: string; detail: VimValue } {
  const inner = field(value, 'fault');
  const type = inner !== undefined && typeof inner === 'object' && '$type' in inner ? asString((inner as { $type?: string }).$type) : undefined;
  return {
    fault: type ?? 'UnknownFault',
    message: asString(field(value, 'localizedMessage')) ?? '',
    detail: inner,
  };
}
