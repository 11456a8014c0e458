// Response side: SOAP XML to vim25 values. No WSDL: values are typed by their xsi:type where
// the server sends one (the simulator sometimes spells it `XMLSchema-instance:type`), MoRefs by
// their `type` attribute, everything else stays text and is read through the value.ts helpers.
import { XMLParser } from 'fast-xml-parser';
import { MoRef } from './moref.js';
import type { VimObject, VimValue } from './value.js';

/** One XML element with its namespace prefixes removed from names (not from attribute values). */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function toElement(node: OrderedNode): XmlElement | undefined {
  const tag = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
  if (tag === undefined || tag.startsWith('?')) return undefined;
  const element: XmlElement = { name: localName(tag), attrs: node[':@'] ?? {}, text: '', children: [] };
  for (const child of (node[tag] as OrderedNode[] | undefined) ?? []) {
    if ('#text' in child) element.text += String(child['#text']);
    else {
      const sub = toElement(child);
      if (sub) element.children.push(sub);
    }
  }
  return element;
}

/** Parses a document into its root element. */
export function parseXml(xml: string): XmlElement {
  const nodes = parser.parse(xml) as OrderedNode[];
  for (const node of nodes) {
    const element = toElement(node);
    if (element) return element;
  }
  throw new Error('empty XML document');
}

/** The xsi:type of an element, by any prefix bound to the XMLSchema-instance namespace. */
export function xsiType(element: XmlElement): string | undefined {
  for (const [key, value] of Object.entries(element.attrs)) {
    if (key !== 'type' && key.endsWith(':type')) return localName(value);
  }
  return undefined;
}

export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

const NUMBER_TYPES = new Set(['int', 'long', 'short', 'byte', 'float', 'double']);

/** Decodes an element into a value (see the module comment for the typing rules). */
export function decodeValue(element: XmlElement): VimValue {
  const type = xsiType(element);
  if (type === 'ManagedObjectReference' || (type === undefined && element.attrs.type !== undefined && element.children.length === 0)) {
    return new MoRef(element.attrs.type ?? '', element.text.trim());
  }
  if (type !== undefined && NUMBER_TYPES.has(type)) return Number(element.text);
  if (type === 'boolean') return element.text.trim() === 'true' || element.text.trim() === '1';
  if (type?.startsWith('ArrayOf')) return element.children.map(decodeValue);
  if (element.children.length === 0) {
    // An empty element typed with a data object (a fault without fields); enum values keep their text.
    if (type !== undefined && element.text.trim() === '' && /^[A-Z]/.test(type)) return { $type: type };
    return element.text;
  }
  const out: Record<string, VimValue> = {};
  if (type !== undefined) out.$type = type;
  for (const sub of element.children) {
    const value = decodeValue(sub);
    const existing = out[sub.name];
    if (existing === undefined) out[sub.name] = value;
    else if (Array.isArray(existing)) (existing as VimValue[]).push(value);
    else out[sub.name] = [existing, value];
  }
  return out as VimObject;
}
