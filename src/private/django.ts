/** How DEBUG is decided in a Django settings module. */
export type DebugSetting =
  | { readonly kind: 'literal'; readonly on: boolean }
  /** Read from an environment variable; on when unset if the default is truthy. */
  | { readonly kind: 'env'; readonly variable: string; readonly onWhenUnset: boolean }
  | { readonly kind: 'unknown' };

/** What the construct needs to know about a Django project, read from its settings file. */
export interface DjangoProject {
  readonly settingsModule: string;
  /** The settings file, relative to the source directory. */
  readonly settingsFile: string;
  readonly staticRoot: boolean;
  readonly usesWhitenoise: boolean;
  /** Environment variables SECRET_KEY is read from; `required` ones make the app fail when unset. */
  readonly secretKeyVariables: Array<{ readonly name: string; readonly required: boolean }>;
  readonly debug: DebugSetting;
}

const ENV_READ = /os\.environ\s*\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]|os\.environ\.get\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*([^)]*))?\)|os\.getenv\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*([^)]*))?\)|\benv(?:\.(?:str|bool))?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*(?:default\s*=\s*)?([^)]*))?\)/g;

/** The settings module a Django wsgi.py or manage.py points DJANGO_SETTINGS_MODULE at. */
export function settingsModuleOf(text: string): string | undefined {
  return /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z_][A-Za-z0-9_.]*)["']/.exec(text)?.[1];
}

/** Whether a module is a Django WSGI entry module. */
export function isDjangoWsgiModule(text: string): boolean {
  return /\bget_wsgi_application\s*\(/.test(text) && /django\.core\.wsgi/.test(text);
}

/** Reads what matters from a settings file's text. Assignments are looked for at module level. */
export function readDjangoSettings(settingsModule: string, settingsFile: string, text: string): DjangoProject {
  const lines = text.split(/\r?\n/);
  const assignment = (name: string) => {
    const start = lines.findIndex(l => new RegExp(`^${name}\\s*(?::[^=]*)?=`).test(l));
    if (start < 0) {
      return undefined;
    }
    // Follow brackets and backslashes to the end of the statement.
    let stmt = lines[start];
    let depth = 0;
    for (let i = start; i < lines.length; i++) {
      if (i > start) {
        stmt += `\n${lines[i]}`;
      }
      for (const ch of lines[i].replace(/#.*$/, '')) {
        depth += '([{'.includes(ch) ? 1 : ')]}'.includes(ch) ? -1 : 0;
      }
      if (depth <= 0 && !lines[i].trimEnd().endsWith('\\')) {
        break;
      }
    }
    return stmt.replace(new RegExp(`^${name}\\s*(?::[^=]*)?=\\s*`), '');
  };

  const secret = assignment('SECRET_KEY') ?? '';
  const secretKeyVariables = [...secret.matchAll(ENV_READ)].map(m => {
    const name = m[1] ?? m[2] ?? m[4] ?? m[6];
    const hasDefault = m[1] === undefined && (m[3] ?? m[5] ?? m[7]) !== undefined && (m[3] ?? m[5] ?? m[7])!.trim() !== '';
    return { name, required: !hasDefault && !/\bor\b/.test(secret) };
  });

  let debug: DebugSetting = { kind: 'unknown' };
  const debugExpr = assignment('DEBUG');
  if (debugExpr !== undefined) {
    const expr = debugExpr.replace(/#.*$/, '').trim();
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
    staticRoot: assignment('STATIC_ROOT') !== undefined,
    usesWhitenoise: /whitenoise\.middleware\.WhiteNoiseMiddleware/.test(text),
    secretKeyVariables,
    debug,
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
