// Request side: vim25 values to SOAP XML. Field order is the insertion order of each object,
// which callers keep in WSDL order (vCenter's parser checks the xsd sequence).
import { MoRef } from './moref.js';
import type { VimObject, VimValue } from './value.js';

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function encodeObject(name: string, value: VimObject): string {
  const typeAttr = value.$type === undefined ? '' : ` xsi:type="${escapeXml(value.$type)}"`;
  let inner = '';
  for (const [key, child] of Object.entries(value)) {
    if (key === '$type') continue;
    inner += encodeElement(key, child);
  }
  return `<${name}${typeAttr}>${inner}</${name}>`;
}

/** One element (or one per item for arrays, as vim25 repeats elements); nothing for undefined. */
export function encodeElement(name: string, value: VimValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return (value as readonly VimValue[]).map((item) => encodeElement(name, item)).join('');
  if (value instanceof MoRef) return `<${name} type="${escapeXml(value.type)}">${escapeXml(value.value)}</${name}>`;
  if (typeof value === 'object') return encodeObject(name, value as VimObject);
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The SOAP envelope of one method call on `_this`, parameters in the given order. */
export function encodeRequest(method: string, self: MoRef, params: Record<string, VimValue>): string {
  let body = encodeElement('_this', self);
  for (const [key, value] of Object.entries(params)) body += encodeElement(key, value);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:xsd="${XSD}" xmlns:xsi="${XSI}">` +
    `<soapenv:Body><${method} xmlns="urn:vim25">${body}</${method}></soapenv:Body></soapenv:Envelope>`
  );
}
