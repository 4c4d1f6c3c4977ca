import { ALTERNATIVE_DISTRIBUTIONS, BROUGHT_BY, IMPORT_TO_DISTRIBUTION, STDLIB_MODULES } from './modules';
import { CallableCandidate, findCallables, findImports } from './reader';
import { normalizeDistribution } from './requirements';
import { ContextFile } from '../core/context-file';

/** Test code is never the app and may import test-only packages. */
export function isTestFile(rel: string): boolean {
  const parts = rel.split('/');
  const base = parts[parts.length - 1];
  return parts.slice(0, -1).some(p => p === 'tests' || p === 'test')
    || /^test_.*\.py$/.test(base) || /_test\.py$/.test(base) || base === 'conftest.py';
}

/** The dotted module name of a file under an import root ('' for the source root), if it has one. */
export function moduleName(rel: string, importRoot: string): string | undefined {
  const prefix = importRoot === '' ? '' : `${importRoot}/`;
  if (!rel.startsWith(prefix) || !rel.endsWith('.py')) {
    return undefined;
  }
  const parts = rel.slice(prefix.length, -3).split('/');
  if (parts[parts.length - 1] === '__init__') {
    parts.pop();
  }
  return parts.length > 0 && parts.every(p => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) ? parts.join('.') : undefined;
}

/** Every WSGI callable and ASGI app the source defines, sorted by entrypoint. */
export function detectCallables(files: ContextFile[], importRoot: string, read: (absolutePath: string) => string): CallableCandidate[] {
  const found: CallableCandidate[] = [];
  for (const f of files) {
    const module = moduleName(f.relativePath, importRoot);
    if (module === undefined || isTestFile(f.relativePath)) {
      continue;
    }
    const text = read(f.absolutePath);
    found.push(...findCallables(text, module, f.relativePath));
  }
  return found.sort((a, b) => (a.entrypoint < b.entrypoint ? -1 : a.entrypoint > b.entrypoint ? 1 : 0));
}

/** A third-party import that no declared distribution provides. */
export interface UndeclaredImport {
  readonly module: string;
  /** `file:line` of its first use. */
  readonly where: string;
  /** The distribution it most likely needs. */
  readonly distribution: string;
}

/**
 * Compares the app's absolute imports with the declared distributions. Standard library and local
 * modules never count; neither do imports made optional with try/except or TYPE_CHECKING, nor the
 * libraries that a declared framework installs itself.
 */
export function findUndeclaredImports(
  files: ContextFile[], localModules: Set<string>, declared: Set<string>, allowed: Set<string>, read: (absolutePath: string) => string,
  added: readonly string[] = [],
): UndeclaredImport[] {
  const provided = new Set<string>(['gunicorn']);
  for (const dist of [...declared, 'gunicorn', ...added]) {
    provided.add(dist.replace(/-/g, '_'));
    for (const brought of BROUGHT_BY[dist] ?? []) {
      provided.add(brought.toLowerCase());
    }
  }
  const isDeclared = (module: string) => {
    const lower = module.toLowerCase();
    if (provided.has(lower)) {
      return true;
    }
    const mapped = IMPORT_TO_DISTRIBUTION[module];
    if (mapped && declared.has(normalizeDistribution(mapped))) {
      return true;
    }
    return (ALTERNATIVE_DISTRIBUTIONS[module] ?? []).some(d => declared.has(d));
  };
  const first = new Map<string, string>();
  for (const f of files) {
    if (!f.relativePath.endsWith('.py') || isTestFile(f.relativePath)) {
      continue;
    }
    for (const ref of findImports(read(f.absolutePath))) {
      const m = ref.module;
      if (ref.optional || first.has(m) || STDLIB_MODULES.has(m) || localModules.has(m) || allowed.has(m) || m === '__main__' || isDeclared(m)) {
        continue;
      }
      first.set(m, `${f.relativePath}:${ref.line}`);
    }
  }
  return [...first.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([module, where]) => ({ module, where, distribution: IMPORT_TO_DISTRIBUTION[module] ?? module.replace(/_/g, '-') }));
}

/** Top-level names importable from a directory of the context (`rel` prefix, '' for the root). */
export function topLevelModules(files: ContextFile[], dir: string): Set<string> {
  const prefix = dir === '' ? '' : `${dir}/`;
  const names = new Set<string>();
  for (const f of files) {
    if (!f.relativePath.startsWith(prefix)) {
      continue;
    }
    const rest = f.relativePath.slice(prefix.length);
    const head = rest.split('/')[0];
    const name = rest.includes('/') ? head : head.replace(/\.(py|so|pyd)$/, '').replace(/\..*$/, '');
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      names.add(name);
    }
  }
  return names;
}
