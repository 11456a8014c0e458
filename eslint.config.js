// Lint: recommended JS + TypeScript rules; style is left to the compiler and review. Plus the
// folder boundaries: agent/ is exactly what esbuild bundles onto a host, so it imports nothing
// outside agent/ (node: builtins and onnxruntime-node, left external, only); model/ is below the
// controller, so it never imports harness/.
import { dirname, relative, resolve, sep } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Is `path` (absolute) inside `dir` (absolute)? */
const inside = (path, dir) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`:${sep}`));
};

// `vharness/import-boundary`: every import, export-from and import() of a file is checked
// against `allow` (relative imports must land in one of these folders), `deny` (must not land
// in these) and `packages` (when given, the only bare specifiers allowed besides node:*).
const importBoundary = {
  meta: {
    type: 'problem',
    schema: [{ type: 'object', properties: { allow: { type: 'array', items: { type: 'string' } }, deny: { type: 'array', items: { type: 'string' } }, packages: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
  },
  create(context) {
    const { allow, deny = [], packages } = context.options[0] ?? {};
    const folder = (dir) => resolve(context.cwd, dir);
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = resolve(dirname(context.filename), spec);
        const where = relative(context.cwd, target);
        if (allow && !allow.some((dir) => inside(target, folder(dir)))) context.report({ node: source, message: `'${spec}' (${where}) is outside ${allow.join(', ')}/: this folder may only import from ${allow.join(', ')}/` });
        const denied = deny.find((dir) => inside(target, folder(dir)));
        if (denied) context.report({ node: source, message: `'${spec}' (${where}) is in ${denied}/, which this folder must not import` });
      } else if (packages && !spec.startsWith('node:') && !packages.some((name) => spec === name || spec.startsWith(`${name}/`))) {
        context.report({ node: source, message: `package '${spec}' is not one this folder may import (${['node:*', ...packages].join(', ')})` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
const vharness = { rules: { 'import-boundary': importBoundary } };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'results/**', '.cache/**', 'lab/**', 'test/lab/**/*.go'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['agent/**/*.ts'],
    plugins: { vharness },
    rules: { 'vharness/import-boundary': ['error', { allow: ['agent'], packages: ['onnxruntime-node'] }] },
  },
  {
    files: ['model/**/*.ts'],
    plugins: { vharness },
    rules: { 'vharness/import-boundary': ['error', { deny: ['harness'] }] },
  },
);
