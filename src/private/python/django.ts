import { asAssignment, moduleStatements, stripStringsAndComments } from './reader';

/** How DEBUG is decided in a Django settings module. */
export type DebugSetting =
  | { readonly kind: 'literal'; readonly on: boolean }
  /** Read from an environment variable; on when unset if the default is truthy. */
  | { readonly kind: 'env'; readonly variable: string; readonly onWhenUnset: boolean }
  | { readonly kind: 'unknown' };

/** Whether the settings the app runs with set STATIC_ROOT, as far as reading them can tell. */
export type StaticRootSetting = 'set' | 'unset' | 'unknown';

/** What the construct needs to know about a Django project, read from its settings module and the modules it star-imports. */
export interface DjangoProject {
  readonly settingsModule: string;
  /** The settings file, relative to the source directory. */
  readonly settingsFile: string;
  /** The settings file and every module it star-imports (transitively), in the order they were read. */
  readonly settingsFiles: string[];
  readonly staticRoot: StaticRootSetting;
  /** Why STATIC_ROOT cannot be told, and in which file, when `staticRoot` is `unknown`. */
  readonly staticRootUnknown?: { readonly file: string; readonly reason: string };
  readonly usesWhitenoise: boolean;
  /** The file whose SECRET_KEY assignment wins (for messages). */
  readonly secretKeyFile?: string;
  /** Environment variables SECRET_KEY is read from; `required` ones make the app fail when unset. */
  readonly secretKeyVariables: Array<{ readonly name: string; readonly required: boolean }>;
  readonly debug: DebugSetting;
  /** The file whose DEBUG assignment wins. */
  readonly debugFile?: string;
}

/** A module of the build context, by dotted name: its path relative to the source and its text. */
export type ModuleLocator = (module: string) => { readonly relativePath: string; readonly text: string } | undefined;

const ENV_READ = /os\.environ\s*\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]|os\.environ\.get\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*([^)]*))?\)|os\.getenv\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*([^)]*))?\)|\benv(?:\.(?:str|bool))?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*(?:default\s*=\s*)?([^)]*))?\)/g;
const WHITENOISE = /whitenoise\.middleware\.WhiteNoiseMiddleware/;

/** The settings module a Django wsgi.py or manage.py points DJANGO_SETTINGS_MODULE at. */
export function settingsModuleOf(text: string): string | undefined {
  return /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z_][A-Za-z0-9_.]*)["']/.exec(text)?.[1];
}

/** Whether a module is a Django entry module: a wsgi.py, or an asgi.py. */
export function isDjangoEntryModule(text: string): boolean {
  return (/\bget_wsgi_application\s*\(/.test(text) && /django\.core\.wsgi/.test(text))
    || (/\bget_asgi_application\s*\(/.test(text) && /django\.core\.asgi/.test(text));
}

/** The module a `from <target> import *` in `module` names: relative targets resolve against its package. */
export function resolveStarImport(module: string, isPackage: boolean, target: string): string | undefined {
  const dots = /^\.*/.exec(target)![0].length;
  const rest = target.slice(dots);
  if (dots === 0) {
    return rest;
  }
  const parts = module.split('.');
  // A module's package is its parent; a package (__init__.py) is its own.
  const pkg = isPackage ? parts : parts.slice(0, -1);
  if (dots - 1 > pkg.length) {
    return undefined;
  }
  const base = pkg.slice(0, pkg.length - (dots - 1));
  return [...base, ...(rest === '' ? [] : rest.split('.'))].join('.') || undefined;
}

interface SettingsState {
  staticRoot: StaticRootSetting;
  staticRootUnknown?: { file: string; reason: string };
  whitenoise: boolean;
  secretKey?: { expr: string; file: string };
  debug?: { expr: string; file: string };
  files: string[];
}

/**
 * Applies one settings module's module-level statements, in order, to `state`: a star import of
 * a module in the build context is read in place (as Python runs it), so a later assignment wins.
 */
function applyModule(
  module: string, file: { relativePath: string; text: string }, locate: ModuleLocator, state: SettingsState, seen: Set<string>,
): void {
  seen.add(module);
  state.files.push(file.relativePath);
  const unknown = (reason: string) => {
    state.staticRoot = 'unknown';
    state.staticRootUnknown = { file: file.relativePath, reason };
  };
  for (const st of moduleStatements(file.text)) {
    const star = /^from\s+(\.*[A-Za-z0-9_.]*)\s+import\s+\*$/.exec(st.code);
    if (star) {
      const target = resolveStarImport(module, file.relativePath.endsWith('__init__.py'), star[1]);
      const found = target !== undefined ? locate(target) : undefined;
      if (target !== undefined && found && !seen.has(target)) {
        applyModule(target, found, locate, state, seen);
      } else if (!found && target !== undefined && !target.startsWith('django.')) {
        unknown(`it star-imports ${target}, which is not in the build context`);
      }
      continue;
    }
    if (/^exec\s*\(|\bglobals\s*\(\s*\)|^include\s*\(/.test(st.code)) {
      unknown(`line ${st.line} sets names dynamically (${st.source.replace(/\s+/g, ' ').slice(0, 60).trim()})`);
      continue;
    }
    const assign = asAssignment(st);
    if (assign && /^[A-Z_][A-Z0-9_]*$/.test(assign.name)) {
      const value = assign.value;
      switch (assign.name) {
        case 'STATIC_ROOT':
          state.staticRoot = value === 'None' ? 'unset' : 'set';
          state.staticRootUnknown = undefined;
          break;
        case 'SECRET_KEY':
          state.secretKey = { expr: value, file: file.relativePath };
          break;
        case 'DEBUG':
          state.debug = { expr: value, file: file.relativePath };
          break;
        case 'MIDDLEWARE':
          // `MIDDLEWARE = [...] + MIDDLEWARE` keeps what was there; a plain list replaces it.
          state.whitenoise = WHITENOISE.test(value) || (/\bMIDDLEWARE\b/.test(value) && state.whitenoise);
          break;
      }
      continue;
    }
    if (/^MIDDLEWARE\s*\+=|^MIDDLEWARE\s*\.\s*(insert|append|extend)\s*\(/.test(st.code)) {
      state.whitenoise ||= WHITENOISE.test(st.source);
    }
  }
  // An assignment inside a block (if/try/for) at module level cannot be told statically.
  const code = stripStringsAndComments(file.text);
  const nested = /^[ \t]+STATIC_ROOT\s*(?::[^=]*)?=(?!=)/m.exec(code);
  if (nested && state.staticRoot !== 'set') {
    unknown(`STATIC_ROOT is assigned inside a block (line ${code.slice(0, nested.index).split('\n').length})`);
  }
}

/**
 * Reads what matters from a settings module and, transitively, the modules it star-imports from
 * the build context (`from .base import *`, `from config.settings.base import *`).
 */
export function readDjangoSettings(
  settingsModule: string, settingsFile: string, text: string, locate: ModuleLocator = () => undefined,
): DjangoProject {
  const state: SettingsState = { staticRoot: 'unset', whitenoise: false, files: [] };
  applyModule(settingsModule, { relativePath: settingsFile, text }, locate, state, new Set());

  const secret = state.secretKey?.expr ?? '';
  const secretKeyVariables = [...secret.matchAll(ENV_READ)].map(m => {
    const name = m[1] ?? m[2] ?? m[4] ?? m[6];
    const fallback = m[3] ?? m[5] ?? m[7];
    const hasDefault = m[1] === undefined && fallback !== undefined && fallback.trim() !== '';
    return { name, required: !hasDefault && !/\bor\b/.test(secret) };
  });

  let debug: DebugSetting = { kind: 'unknown' };
  if (state.debug !== undefined) {
    const expr = state.debug.expr.trim();
    if (expr === 'True' || expr === 'False') {
      debug = { kind: 'literal', on: expr === 'True' };
    } else {
      const m = [...expr.matchAll(ENV_READ)][0];
      if (m) {
        const variable = m[1] ?? m[2] ?? m[4] ?? m[6];
        const fallback = (m[3] ?? m[5] ?? m[7] ?? '').trim().replace(/^["']|["']$/g, '');
        debug = { kind: 'env', variable, onWhenUnset: debugValueOn(fallback, expr) };
      }
    }
  }

  return {
    settingsModule,
    settingsFile,
    settingsFiles: state.files,
    staticRoot: state.staticRoot,
    ...(state.staticRootUnknown ? { staticRootUnknown: state.staticRootUnknown } : {}),
    usesWhitenoise: state.whitenoise,
    secretKeyFile: state.secretKey?.file,
    secretKeyVariables,
    debug,
    debugFile: state.debug?.file,
  };
}

/**
 * Whether an environment value turns DEBUG on. Settings compare in many ways (`== "True"`,
 * `in ("1", "true")`, `bool(int(...))`); a value that reads as true in any common spelling counts.
 */
export function debugValueOn(value: string, expr = ''): boolean {
  const v = value.trim().toLowerCase();
  const truthy = ['1', 'true', 'yes', 'on', 't', 'y'].includes(v);
  // `!= "False"`-style checks make anything but the false spelling true.
  const negated = /!=\s*["'](false|0|no|off)["']/i.exec(expr);
  if (negated) {
    return v !== negated[1].toLowerCase() && v !== '';
  }
  return truthy;
}

/**
 * The build step's script: it asks Django (with the settings the app runs with) whether
 * STATIC_ROOT is set, and collects static files only then; with `required`, an unset STATIC_ROOT
 * fails the build.
 */
export function renderCollectStatic(required: boolean): string {
  return [
    '# Generated by cdktf-wsgi. Collects Django\'s static files at build when the settings the app',
    '# runs with set STATIC_ROOT: Django is asked, rather than the settings files being read.',
    'import os',
    'import sys',
    '',
    '# Run as a script, so the working directory (the app) is put on the path as `-m django` would.',
    'sys.path.insert(0, os.getcwd())',
    '',
    'import django  # noqa: E402',
    'from django.conf import settings  # noqa: E402',
    '',
    `REQUIRED = ${required ? 'True' : 'False'}`,
    '',
    'django.setup()',
    'module = os.environ["DJANGO_SETTINGS_MODULE"]',
    'if getattr(settings, "STATIC_ROOT", None):',
    '    from django.core.management import call_command',
    '',
    '    call_command("collectstatic", interactive=False, verbosity=1)',
    'elif REQUIRED:',
    '    sys.exit("cdktf-wsgi: django.collectStatic is true, but %s leaves STATIC_ROOT unset" % module)',
    'else:',
    '    print("cdktf-wsgi: %s leaves STATIC_ROOT unset: no static files to collect" % module)',
    '',
  ].join('\n');
}
