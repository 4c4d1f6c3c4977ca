/**
 * A light, deterministic reading of Python source, enough to find WSGI callables and imports
 * without running Python at synth. It looks at lines, not an AST: strings and comments are blanked
 * first so that text inside them never matches.
 */

/**
 * Comments and string literals (single, triple-quoted, with escapes). One regular expression pass:
 * it is several times faster than a character loop on large sources.
 */
const COMMENT_OR_STRING = /#[^\n]*|"""[\s\S]*?(?:"""|$(?![\s\S]))|'''[\s\S]*?(?:'''|$(?![\s\S]))|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?/g;

/**
 * Blanks comments and string literal contents, so patterns see only code. A string that spans
 * lines keeps its line breaks as backslash continuations: line numbers stay right, and the string
 * stays one logical line.
 */
export function stripStringsAndComments(text: string): string {
  return text.replace(COMMENT_OR_STRING, m => {
    if (m[0] === '#') {
      return '';
    }
    const quote = m.startsWith('"""') || m.startsWith("'''") ? m.slice(0, 3) : m[0];
    const breaks = m.split('\n').length - 1;
    return `${quote}${'\\\n'.repeat(breaks)}${quote}`;
  });
}

/**
 * Joins physical lines into logical ones (across brackets and backslashes), from code whose
 * strings are blanked; `source`, index-aligned with `code`, supplies each statement's text as written.
 */
function joinLines(code: string[], source: string[]): Array<{ indent: number; text: string; source: string; line: number }> {
  const result: Array<{ indent: number; text: string; source: string; line: number }> = [];
  let depth = 0;
  let current: { indent: number; parts: string[]; source: string[]; line: number } | undefined;
  const close = () => {
    result.push({ indent: current!.indent, text: current!.parts.filter(p => p.length > 0).join(' '), source: current!.source.join('\n'), line: current!.line });
    current = undefined;
  };
  for (let idx = 0; idx < code.length; idx++) {
    const raw = code[idx];
    const trimmed = raw.trim();
    if (!current) {
      if (trimmed === '') {
        continue;
      }
      current = { indent: raw.length - raw.trimStart().length, parts: [], source: [], line: idx + 1 };
    }
    if (/[()[\]{}]/.test(raw)) {
      for (const ch of raw) {
        if (ch === '(' || ch === '[' || ch === '{') {
          depth++;
        } else if (ch === ')' || ch === ']' || ch === '}') {
          depth = Math.max(0, depth - 1);
        }
      }
    }
    const continued = trimmed.endsWith('\\');
    current.parts.push(continued ? trimmed.slice(0, -1).trimEnd() : trimmed);
    current.source.push((source[idx] ?? '').trim().replace(/\\$/, ''));
    if (depth === 0 && !continued) {
      close();
    }
  }
  if (current) {
    close();
  }
  return result;
}

/** Logical lines (joined across brackets and backslashes), with their indentation. */
export function logicalLines(code: string): Array<{ indent: number; text: string; line: number }> {
  const lines = code.split('\n');
  return joinLines(lines, lines).map(({ indent, text, line }) => ({ indent, text, line }));
}

/** Comments removed; string literals kept as written (a `#` inside a string is not a comment). */
export function stripComments(text: string): string {
  return text.replace(COMMENT_OR_STRING, m => (m[0] === '#' ? '' : m));
}

/** A statement at module level: its code with strings blanked, and its source with strings kept. */
export interface ModuleStatement {
  readonly line: number;
  /** Strings blanked and comments removed: for matching code. */
  readonly code: string;
  /** Comments removed, strings kept: for reading values. */
  readonly source: string;
}

/**
 * The module-level statements of a file, in order. Statement boundaries come from the blanked
 * code, so a bracket or `#` inside a string literal never ends or extends a statement.
 */
export function moduleStatements(text: string): ModuleStatement[] {
  return joinLines(stripStringsAndComments(text).split('\n'), stripComments(text).split('\n'))
    .filter(l => l.indent === 0)
    .map(l => ({ line: l.line, code: l.text, source: l.source }));
}

/** An import of a top-level module, and whether it sits where a failure is expected and handled. */
export interface ImportRef {
  readonly module: string;
  readonly line: number;
  /** Inside `try:` or `if TYPE_CHECKING:`: optional by design, never warned about. */
  readonly optional: boolean;
}

/** Absolute imports' top-level module names. Relative imports are local by definition. */
export function findImports(text: string): ImportRef[] {
  const lines = logicalLines(stripStringsAndComments(text));
  const refs: ImportRef[] = [];
  // The enclosing blocks of the current line, innermost last.
  const blocks: Array<{ indent: number; optional: boolean }> = [];
  for (const l of lines) {
    while (blocks.length > 0 && blocks[blocks.length - 1].indent >= l.indent) {
      blocks.pop();
    }
    const optional = blocks.some(b => b.optional);
    const t = l.text;
    const from = /^from\s+([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_.]*)?\s+import\b/.exec(t);
    if (from) {
      refs.push({ module: from[1], line: l.line, optional });
    } else if (/^import\s/.test(t)) {
      for (const part of t.slice(7).split(',')) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(part);
        if (m) {
          refs.push({ module: m[1], line: l.line, optional });
        }
      }
    }
    if (t.endsWith(':')) {
      blocks.push({ indent: l.indent, optional: /^(try|except\b.*|else|if\s+(typing\.)?TYPE_CHECKING)\s*:$/.test(t) });
    }
  }
  return refs;
}

/** A WSGI callable or ASGI app the scanner believes a module defines. */
export interface CallableCandidate {
  /** Which interface its framework speaks. */
  readonly kind: 'wsgi' | 'asgi';
  /** `module:name` or `module:factory()`. */
  readonly entrypoint: string;
  /** What gave it away, for the synth message. */
  readonly idiom: string;
  /** Source file, relative to the source directory. */
  readonly file: string;
  /** Module-level objects beat factories defined in the same module. */
  readonly factory: boolean;
}

const CONSTRUCTORS: Array<{ pattern: RegExp; idiom: string; kind: 'wsgi' | 'asgi' }> = [
  { pattern: /^(?:flask\.)?Flask\s*\(/, idiom: 'Flask(...)', kind: 'wsgi' },
  { pattern: /^(?:falcon\.)?(?:App|API)\s*\(/, idiom: 'falcon.App()', kind: 'wsgi' },
  { pattern: /^(?:bottle\.)?(?:default_app|app)\s*\(\s*\)/, idiom: 'bottle.default_app()', kind: 'wsgi' },
  { pattern: /^(?:bottle\.)?Bottle\s*\(/, idiom: 'Bottle()', kind: 'wsgi' },
  { pattern: /^[A-Za-z_][A-Za-z0-9_]*\.make_wsgi_app\s*\(\s*\)/, idiom: 'config.make_wsgi_app()', kind: 'wsgi' },
  { pattern: /^(?:django\.core\.wsgi\.)?get_wsgi_application\s*\(\s*\)/, idiom: 'get_wsgi_application()', kind: 'wsgi' },
  { pattern: /^(?:fastapi\.)?FastAPI\s*\(/, idiom: 'FastAPI()', kind: 'asgi' },
  { pattern: /^(?:starlette\.applications\.|starlette\.)?Starlette\s*\(/, idiom: 'Starlette()', kind: 'asgi' },
  { pattern: /^(?:quart\.)?Quart\s*\(/, idiom: 'Quart(...)', kind: 'asgi' },
  { pattern: /^(?:litestar\.)?Litestar\s*\(/, idiom: 'Litestar()', kind: 'asgi' },
  { pattern: /^(?:django\.core\.asgi\.)?get_asgi_application\s*\(\s*\)/, idiom: 'get_asgi_application()', kind: 'asgi' },
];

/** The framework modules whose imports bind app constructors, and the names they bind. */
const FRAMEWORK_CONSTRUCTORS: Readonly<Record<string, string[]>> = {
  'flask': ['Flask'],
  'falcon': ['App', 'API'],
  'bottle': ['Bottle', 'default_app', 'app'],
  'django.core.wsgi': ['get_wsgi_application'],
  'fastapi': ['FastAPI'],
  'starlette.applications': ['Starlette'],
  'starlette': ['Starlette'],
  'quart': ['Quart'],
  'litestar': ['Litestar'],
  'django.core.asgi': ['get_asgi_application'],
};

/** Frameworks whose module import (`import fastapi`) makes `fastapi.FastAPI(...)` an app. */
const DOTTED_FRAMEWORKS = /^(flask|falcon|bottle|fastapi|starlette|quart|litestar)\./;

/** Names a module binds to which framework, from its imports. */
function frameworkNames(lines: Array<{ text: string }>): Set<string> {
  const names = new Set<string>();
  for (const { text } of lines) {
    const m = /^from\s+(flask|falcon|bottle|pyramid\.config|django\.core\.wsgi|django\.core\.asgi|fastapi|starlette|starlette\.applications|quart|litestar)\s+import\s+(.+)$/.exec(text);
    if (m) {
      for (const part of m[2].replace(/[()]/g, '').split(',')) {
        const [name, alias] = part.trim().split(/\s+as\s+/);
        names.add(`${m[1]}:${name}=${alias ?? name}`);
      }
    }
    const imp = /^import\s+(flask|falcon|bottle|fastapi|starlette|quart|litestar)\b/.exec(text);
    if (imp) {
      names.add(`${imp[1]}:*`);
    }
  }
  return names;
}

/**
 * Finds WSGI callables and ASGI apps in one module: module-level assignments of a framework app
 * (`app = Flask(__name__)`, `app = falcon.App()`, `application = get_wsgi_application()`,
 * `app = bottle.default_app()`, `app = config.make_wsgi_app()`, `app = FastAPI()`,
 * `app = Starlette(...)`, `app = Quart(__name__)`, `app = Litestar(...)`,
 * `application = get_asgi_application()`, also inside a module-level
 * `with Configurator() as config:` block), and module-level factories (`def create_app():`
 * building one) that can be called without arguments. Code under `if __name__ == "__main__":`
 * never runs under gunicorn and is skipped.
 */
export function findCallables(text: string, module: string, file: string): CallableCandidate[] {
  const lines = logicalLines(stripStringsAndComments(text));
  const idiomOf = idiomMatcher(frameworkNames(lines));
  const out: CallableCandidate[] = [];
  const blocks: Array<{ indent: number; kind: 'def' | 'class' | 'main' | 'other' }> = [];
  let factory: { name: string; callable: boolean; built?: { idiom: string; kind: 'wsgi' | 'asgi' } } | undefined;
  const closeFactory = () => {
    if (factory?.built && factory.callable) {
      out.push({ entrypoint: `${module}:${factory.name}()`, idiom: `a factory building ${factory.built.idiom}`, kind: factory.built.kind, file, factory: true });
    }
    factory = undefined;
  };
  for (const l of lines) {
    while (blocks.length > 0 && blocks[blocks.length - 1].indent >= l.indent) {
      blocks.pop();
    }
    if (factory && blocks.length === 0) {
      closeFactory();
    }
    const t = l.text;
    const moduleLevel = blocks.every(b => b.kind === 'other');
    if (t.endsWith(':')) {
      const def = /^(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*(?:->.*)?:$/.exec(t);
      const kind = def ? 'def' : /^class\s/.test(t) ? 'class' : /^if\s+__name__\s*==\s*["']\s*["']\s*:$/.test(t) ? 'main' : 'other';
      if (def && blocks.length === 0) {
        factory = { name: def[1], callable: paramsOptional(def[2]) };
      }
      blocks.push({ indent: l.indent, kind });
      continue;
    }
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[^=]+)?=\s*(.+)$/.exec(t);
    if (moduleLevel && assign) {
      const found = idiomOf(assign[2]);
      if (found) {
        out.push({ entrypoint: `${module}:${assign[1]}`, idiom: found.idiom, kind: found.kind, file, factory: false });
      }
      continue;
    }
    if (factory && !factory.built && blocks.length > 0 && blocks[0].kind === 'def') {
      const expr = t.replace(/^return\s+/, '').replace(/^[A-Za-z_][A-Za-z0-9_]*\s*=\s*/, '');
      const found = idiomOf(expr);
      if (found && !found.idiom.startsWith('get_')) {
        factory.built = { idiom: found.idiom, kind: found.kind };
      }
    }
  }
  closeFactory();
  // A module-level app makes factories in the same module helpers, not entrypoints.
  return out.some(c => !c.factory) ? out.filter(c => !c.factory) : out;
}

/**
 * The app idiom an expression builds, given the framework names a module imports (frameworkNames):
 * undefined unless the constructor it calls comes from a framework the module imports.
 */
function idiomMatcher(imported: Set<string>): (rawExpr: string) => (typeof CONSTRUCTORS)[number] | undefined {
  const fromFramework = (expr: string) => {
    const dotted = DOTTED_FRAMEWORKS.exec(expr);
    if (dotted) {
      return imported.has(`${dotted[1]}:*`);
    }
    if (expr.includes('.make_wsgi_app')) {
      // A Pyramid Configurator instance may have any name; the module must import pyramid.
      return [...imported].some(n => n.startsWith('pyramid.config:'));
    }
    const head = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(expr)?.[1];
    return head !== undefined && [...imported].some(n => importBinds(n, head));
  };
  return rawExpr => {
    // `from falcon import App as FalconApp`: match the idiom under the name the framework gave it.
    const head = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rawExpr)?.[1];
    const binding = head === undefined ? undefined : [...imported].find(n => n.endsWith(`=${head}`));
    const expr = binding ? binding.split(':')[1].split('=')[0] + rawExpr.slice(head!.length) : rawExpr;
    const c = CONSTRUCTORS.find(k => k.pattern.test(expr));
    return c && fromFramework(rawExpr) ? c : undefined;
  };
}

/** Whether an import recorded by frameworkNames binds `head` to a framework's app constructor. */
function importBinds(importName: string, head: string): boolean {
  const [fromModule, binding] = importName.split(':');
  const [original, alias] = binding.split('=');
  return alias === head && (FRAMEWORK_CONSTRUCTORS[fromModule] ?? []).includes(original);
}

/** Whether every parameter of a def has a default (or is *args / **kwargs). */
function paramsOptional(params: string): boolean {
  const parts = params.split(',').map(p => p.trim()).filter(p => p.length > 0 && p !== '*' && p !== '/');
  return parts.every(p => p.includes('=') || p.startsWith('*'));
}

/**
 * The names a module binds at module level (defs, classes, assignments, imports, for/with
 * targets, also inside top-level if/try/with blocks), and whether it may bind others unseen
 * (`from x import *`, `globals()`, `exec`, a module `__getattr__`).
 */
export function moduleLevelNames(text: string): { names: Set<string>; hidden: boolean } {
  const names = new Set<string>();
  let hidden = false;
  const blocks: Array<{ indent: number; scope: boolean }> = [];
  const bind = (list: string) => list.split(',').map(p => p.trim().replace(/^\(|\)$/g, '').trim())
    .forEach(p => { if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) names.add(p); });
  for (const l of logicalLines(stripStringsAndComments(text))) {
    while (blocks.length > 0 && blocks[blocks.length - 1].indent >= l.indent) blocks.pop();
    const t = l.text;
    if (/\bglobals\s*\(\s*\)|(^|[^.\w])exec\s*\(/.test(t)) hidden = true;
    const atModule = blocks.every(b => !b.scope);
    if (atModule) {
      const def = /^(?:async\s+)?(def|class)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(t);
      if (def) {
        names.add(def[2]);
        if (def[2] === '__getattr__') hidden = true;
      }
      const from = /^from\s+\S+\s+import\s+(.+)$/.exec(t);
      if (from) {
        if (from[1].trim() === '*') hidden = true;
        else from[1].replace(/[()]/g, '').split(',').forEach(part => bind(part.trim().split(/\s+as\s+/).pop()!));
      } else if (/^import\s/.test(t)) {
        t.slice(7).split(',').forEach(part => {
          const [mod, alias] = part.trim().split(/\s+as\s+/);
          bind(alias ?? mod.split('.')[0]);
        });
      }
      const assign = /^([A-Za-z_][A-Za-z0-9_, ()]*?)\s*(?::[^=]+)?(?:[-+*/%&|^@]|\/\/|<<|>>|\*\*)?=(?!=)/.exec(t);
      if (assign && !def) bind(assign[1]);
      const loop = /^(?:async\s+)?for\s+(.+?)\s+in\s/.exec(t);
      if (loop) bind(loop[1]);
      const withAs = t.startsWith('with ') ? [...t.matchAll(/\bas\s+([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]) : [];
      withAs.forEach(n => names.add(n));
    }
    if (t.endsWith(':')) {
      blocks.push({ indent: l.indent, scope: /^(?:async\s+)?(def|class)\s/.test(t) });
    }
  }
  return { names, hidden };
}

/** A module-level `name = value` (or `name: T = value`) statement. */
export interface ModuleAssignment {
  readonly name: string;
  /** The right-hand side as written, comments removed. */
  readonly value: string;
  readonly line: number;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]+)?=(?!=)/;

/**
 * A module-level statement read as an assignment to one name, or undefined. The target is matched
 * on the blanked code and the value taken from the source, so `=` or `#` inside a string never
 * moves either.
 */
export function asAssignment(st: ModuleStatement): ModuleAssignment | undefined {
  const target = ASSIGNMENT.exec(st.code);
  if (!target) {
    return undefined;
  }
  const value = st.source.replace(/^[A-Za-z_][A-Za-z0-9_]*\s*(?::[^=]*)?=\s*/, '').trim();
  return { name: target[1], value, line: st.line };
}

/** The module-level single-name assignments of a file, in order. */
export function moduleAssignments(text: string): ModuleAssignment[] {
  return moduleStatements(text).map(asAssignment).filter((a): a is ModuleAssignment => a !== undefined);
}

/**
 * A Python literal a value can be compared by: integers, True/False/None, and plain strings
 * (normalised to double quotes); undefined for anything else.
 */
export function simpleLiteral(value: string): string | undefined {
  const v = value.trim();
  if (/^-?\d+$/.test(v) || /^(True|False|None)$/.test(v)) {
    return v;
  }
  const str = /^(?:"([^"\\]*)"|'([^'\\]*)')$/.exec(v);
  return str ? `"${str[1] ?? str[2]}"` : undefined;
}
