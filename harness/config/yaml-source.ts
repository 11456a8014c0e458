// A parsed YAML file that remembers where every value came from, so errors found later
// (schema, semantic checks) can name the file, line and column of the offending value.
import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors.js';

export type KeyPath = readonly (string | number)[];

export interface YamlSource {
  /** Absolute path of the file. */
  file: string;
  /** The plain data (objects, arrays, scalars). */
  data: unknown;
  /** Line and column (1-based) of the value at `path`, or of its nearest existing parent. */
  locate(path: KeyPath, options?: { key?: boolean }): { line: number; column: number };
  /** A ConfigError pointing at the value at `path`. */
  error(path: KeyPath, message: string, value?: unknown, options?: { key?: boolean }): ConfigError;
}

/** Renders a key path as `workloads[2].batch`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

/** Reads and parses a YAML file; a missing file or a syntax error is a ConfigError. */
export async function readYamlSource(file: string): Promise<YamlSource> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a YAML file' : `cannot read (${code || String(error)})`;
    throw new ConfigError({ file }, undefined, why, undefined, { cause: error });
  }
  return parseYamlSource(file, text);
}

/** Parses YAML text that came from `file`. */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    const message = first.message.split('\n')[0] ?? first.message;
    throw new ConfigError({ file, line: pos.line, column: pos.col }, undefined, `YAML syntax: ${message}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml library refuses documents whose aliases expand too far ("billion laughs").
    if (!(error instanceof Error && /alias/i.test(error.message))) throw error;
    let offset = 0;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const pos = lineCounter.linePos(offset);
    throw new ConfigError({ file, line: pos.line, column: pos.col }, undefined, 'YAML: aliases expand to too many nodes (more than 100 alias uses); write the values out', undefined, { cause: error });
  }
  const locate = (path: KeyPath, options: { key?: boolean } = {}): { line: number; column: number } => {
    const node = findNode(doc, path, options.key === true);
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return {
    file,
    data,
    locate,
    error(path, message, value, options) {
      const { line, column } = locate(path, options);
      return new ConfigError({ file, line, column }, formatKeyPath(path), message, value);
    },
  };
}

// Walks down `path` as far as it exists; with `key`, the last step returns the key node
// (for "unknown key" errors) instead of the value node.
function findNode(doc: Document, path: KeyPath, key: boolean): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return found;
      if (last && key && isScalar(pair.key)) return pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
    } else {
      return found;
    }
    if (node === null || node === undefined) return found;
    found = node as Node;
  }
  return found;
}
