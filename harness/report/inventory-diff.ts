// What differs between two inventories, grouped by what a reader cares about (vCenter,
// template, VM hosts and partitions, bare-metal hosts, SSH). Pure. Secrets show only as the
// env variable or file that holds them, never a value.
import type { Inventory } from '../config/types.js';

export const inventorySections = ['general', 'providers', 'vCenter', 'template', 'VM network and guest', 'VM hosts', 'VM partitions', 'bare-metal hosts', 'bare-metal partitions', 'ssh'] as const;
export type InventorySection = (typeof inventorySections)[number];

export interface InventoryDifference {
  section: InventorySection;
  /** Key path, hosts addressed by name, e.g. `baremetal.hosts[bm1].address`. */
  path: string;
  /** Rendered value in A; undefined when A lacks the key. */
  a: string | undefined;
  b: string | undefined;
}

const secretKey = /pass(word|phrase)?|secret|token|key$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A secret reference renders as where the secret lives; a literal secret is never shown.
function renderLeaf(key: string, value: unknown): string {
  if (isRecord(value) && typeof value.env === 'string' && Object.keys(value).length === 1) return `env:${value.env}`;
  if (isRecord(value) && typeof value.file === 'string' && Object.keys(value).length === 1) return `file:${value.file}`;
  if (secretKey.test(key) && typeof value === 'string') return '(literal value, hidden)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isSecretRef(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 1 && (typeof value.env === 'string' || typeof value.file === 'string');
}

function flatten(value: unknown, path: string, key: string, out: Map<string, string>): void {
  if (isRecord(value) && !isSecretRef(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      flatten(v, path === '' ? k : `${path}.${k}`, k, out);
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0 && value.every((v) => isRecord(v) && typeof v.name === 'string')) {
    for (const item of value as Record<string, unknown>[]) flatten(item, `${path}[${String(item.name)}]`, key, out);
    return;
  }
  out.set(path, renderLeaf(key, value));
}

/** The inventory as key path -> rendered value (the `file` it came from left out). */
export function flattenInventory(inventory: Inventory): Map<string, string> {
  const { file: _file, ...rest } = inventory;
  const out = new Map<string, string>();
  flatten(rest, '', '', out);
  return out;
}

const sectionRules: [RegExp, InventorySection][] = [
  [/^(vm|baremetal)\.provider$/, 'providers'],
  [/^vm\.vsphere\.template$/, 'template'],
  [/^vm\.vsphere\.(ipPool|guest|namePattern)/, 'VM network and guest'],
  [/^vm\.vsphere\./, 'vCenter'],
  [/^vm\.hosts/, 'VM hosts'],
  [/^vm\.local/, 'VM partitions'],
  [/^baremetal\.hosts/, 'bare-metal hosts'],
  [/^baremetal\.local/, 'bare-metal partitions'],
  [/^ssh\./, 'ssh'],
];

function sectionOf(path: string): InventorySection {
  return sectionRules.find(([re]) => re.test(path))?.[1] ?? 'general';
}

/** Every key whose value differs (or exists on one side only), in section order. */
export function diffInventories(a: Inventory, b: Inventory): InventoryDifference[] {
  const fa = flattenInventory(a);
  const fb = flattenInventory(b);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])];
  const diffs: InventoryDifference[] = [];
  // A host present on one side only is one row (`user@address:port`), not one per key.
  const hostOf = (path: string) => /^(.*?\.hosts\[[^\]]+\])\./.exec(path)?.[1];
  const collapsed = new Set<string>();
  for (const path of paths) {
    const host = hostOf(path);
    if (host === undefined || collapsed.has(host)) continue;
    const inA = [...fa.keys()].some((k) => hostOf(k) === host);
    const inB = [...fb.keys()].some((k) => hostOf(k) === host);
    if (inA && inB) continue;
    const side = inA ? fa : fb;
    const summary = `${side.get(`${host}.user`) ?? '?'}@${side.get(`${host}.address`) ?? '?'}:${side.get(`${host}.port`) ?? '22'}`;
    collapsed.add(host);
    diffs.push({ section: sectionOf(host), path: host, a: inA ? summary : undefined, b: inB ? summary : undefined });
  }
  for (const path of paths) {
    const host = hostOf(path);
    if (host !== undefined && collapsed.has(host)) continue;
    const va = fa.get(path);
    const vb = fb.get(path);
    if (va !== vb) diffs.push({ section: sectionOf(path), path, a: va, b: vb });
  }
  const rank = (s: InventorySection) => inventorySections.indexOf(s);
  return diffs.sort((x, y) => rank(x.section) - rank(y.section) || x.path.localeCompare(y.path));
}
