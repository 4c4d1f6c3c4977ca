import * as fs from 'fs';
import * as path from 'path';
import { Duration } from '../../../duration';
import { GunicornSettings, WorkerClass } from '../../../gunicorn';
import { WsgiImageProps } from '../../../wsgi-image-props';
import { DEFAULT_PORT } from '../../core/defaults';
import { fail, LocatedError, requireInteger, Site } from '../../core/validation';
import { mapServerCommand, parseProcfile, ProcfileServerSettings } from '../../python/procfile';
import { moduleAssignments, simpleLiteral } from '../../python/reader';
import { GunicornConfigSpec } from '../gunicorn-config';
import { GUNICORN_SETTINGS, gunicornSettingRow } from './gunicorn-settings';

/** What the Procfile says, when there is one and `procfile` is not false. */
export interface PlannedProcfile {
  /** The web: line's gunicorn command, mapped. */
  readonly gunicorn?: ProcfileServerSettings;
  /** The web: line's number, for messages. */
  readonly webLine?: number;
  /** The release: line, split as a shell would. */
  readonly release?: string[];
}

/** The project's own gunicorn config file, loaded before the generated one. */
export interface ProjectConfig {
  readonly relativePath: string;
  /** gunicorn setting names the construct states, which the generated config sets after the file. */
  readonly explicit: string[];
  /** The settings to resolve: the stated ones, plus a graceful timeout read from the file. */
  readonly settings: GunicornSettings;
}

/**
 * gunicorn's settings with every default applied, in whole seconds: the config's own part of its
 * spec. The worker class and threads are as stated: their defaults follow the app's interface,
 * which stage 4 reads ({@link planServer}).
 */
export type ResolvedGunicorn = Omit<GunicornConfigSpec, 'entrypoint' | 'port' | 'appDir' | 'projectConfig' | 'explicit' | 'workerClass' | 'threads'> & {
  /** The stated worker class's name (a WorkerClass constant's, or a dotted path). */
  readonly workerClass?: string;
  /** Where the worker class was stated, for messages: `gunicorn.workerClass` or `procfile`. */
  readonly workerClassFrom?: string;
  readonly threads?: number;
};

/** Stage 2's output: how gunicorn serves the app. */
export interface PlannedGunicorn {
  readonly port: number;
  readonly settings: ResolvedGunicorn;
  readonly procfile: PlannedProcfile;
  readonly projectConfig?: ProjectConfig;
}

/**
 * Stage 2: the server settings, from the construct's props, then the Procfile's web: line, then
 * the project's gunicorn.conf.py, then the defaults.
 */
export function planGunicorn(site: Site, source: string, props: WsgiImageProps): PlannedGunicorn {
  const procfile = readProcfile(site, source, props);
  const port = props.port ?? procfile.gunicorn?.port ?? DEFAULT_PORT;
  requireInteger(site, 'port', port, 1, 65535, 'use the port your app should listen on, e.g. 8000');
  const stated = mergeProcfileSettings(site, procfile.gunicorn, props.gunicorn ?? {});
  const projectConfig = readProjectGunicornConfig(site, source, props, procfile.gunicorn, stated);
  const workerClassFrom = props.gunicorn?.workerClass === undefined && procfile.gunicorn?.workerClass !== undefined ? 'procfile' : undefined;
  const settings = resolveGunicorn(site, projectConfig?.settings ?? stated, workerClassFrom);
  return { port, settings, procfile, ...(projectConfig ? { projectConfig } : {}) };
}


/** The names a config file assigns at module level, and the literal value of those that have one. */
function readConfigAssignments(file: string): { literals: Map<string, string>; assigned: Set<string> } {
  const literals = new Map<string, string>();
  const assigned = new Set<string>();
  for (const a of moduleAssignments(fs.readFileSync(file, 'utf-8'))) {
    if (!/^[a-z_][a-z0-9_]*$/.test(a.name)) continue;
    assigned.add(a.name);
    const literal = simpleLiteral(a.value);
    if (literal !== undefined) {
      literals.set(a.name, literal);
    }
  }
  return { literals, assigned };
}

/**
 * The project's own gunicorn config: which file, the settings stated explicitly (gunicorn names),
 * and the settings to resolve (a literal graceful_timeout in the file decides the stop timeout).
 */
function readProjectGunicornConfig(
  site: Site, source: string, props: WsgiImageProps, procfile: ProcfileServerSettings | undefined, stated: GunicornSettings,
): ProjectConfig | undefined {
  const relativePath = procfile?.configFile ?? 'gunicorn.conf.py';
  const file = path.join(source, relativePath);
  if (!fs.existsSync(file)) {
    return undefined;
  }
  if (props.projectGunicornConfig === false) {
    site.info(`${relativePath} is ignored (projectGunicornConfig: false): the image runs gunicorn with the generated config alone`);
    return undefined;
  }
  const { literals, assigned } = readConfigAssignments(file);
  const explicit: string[] = [];
  for (const [key, value] of Object.entries(stated)) {
    const row = gunicornSettingRow(key);
    if (value === undefined || row === undefined) continue;
    explicit.push(row.gunicornName);
    const theirs = literals.get(row.gunicornName);
    const ours = row.asPython(value);
    if (theirs !== undefined && theirs !== ours) {
      site.warn(`${relativePath} sets ${row.gunicornName} = ${theirs}, and the construct states ${ours}: the construct's value is used`);
    }
  }
  const settings: GunicornSettings = { ...stated };
  if (stated.gracefulTimeout === undefined && assigned.has('graceful_timeout')) {
    const literal = literals.get('graceful_timeout');
    if (literal !== undefined && /^\d+$/.test(literal)) {
      // The container's stop timeout follows the graceful timeout the app really runs with.
      (settings as { gracefulTimeout?: Duration }).gracefulTimeout = Duration.seconds(Number(literal));
    } else {
      site.warn(`${relativePath} sets graceful_timeout to a value that cannot be read at synth; the container's stop timeout assumes 30 s. `
        + 'Set gunicorn.gracefulTimeout to state it.');
    }
  }
  site.info(`gunicorn loads ${relativePath} first: its settings and hooks stand where the construct states nothing`
    + `${explicit.length > 0 ? ` (stated by the construct: ${explicit.join(', ')})` : ''}`);
  return { relativePath, explicit, settings };
}

/**
 * The Procfile: its web: line's gunicorn command, mapped, and its release: line; empty without a
 * Procfile or with `procfile: false`.
 */
function readProcfile(site: Site, source: string, props: WsgiImageProps): PlannedProcfile {
  const file = path.join(source, 'Procfile');
  if (props.procfile === false || !fs.existsSync(file)) {
    return {};
  }
  const fix = 'change the web: line, or set `procfile: false` and configure the construct instead';
  let procfile;
  try {
    procfile = parseProcfile(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    if (e instanceof LocatedError) fail(site, 'procfile', e.subject, e.problem, e.fix);
    throw e;
  }
  const release = procfile.release?.argv;
  if (procfile.release !== undefined) {
    site.info(`the Procfile has a release: line (${procfile.release.command}); a WsgiContainer runs it before the app only with releaseCommand: ReleaseCommand.fromProcfile()`);
  }
  const web = procfile.web;
  if (web === undefined) {
    return { release };
  }
  let mapped: ProcfileServerSettings | undefined;
  try {
    mapped = mapServerCommand(web.argv);
  } catch (e) {
    if (e instanceof LocatedError) fail(site, 'procfile', e.subject, e.problem, e.fix === '' ? fix : e.fix);
    throw e;
  }
  if (mapped === undefined) {
    const program = web.argv[0] ?? '';
    fail(site, 'procfile', `web: ${web.command}`, `runs ${program}, which the image cannot serve the app with (it runs gunicorn, with the uvicorn worker for ASGI apps)`,
      'run the app as `gunicorn module:callable` (or `uvicorn module:app` for an ASGI app) in the web: line, or set `procfile: false` and give `entrypoint`');
  }
  if (mapped.configFile !== undefined && !fs.existsSync(path.join(source, mapped.configFile))) {
    fail(site, 'procfile', `--config ${mapped.configFile}`, 'names a gunicorn config that is not in the source directory', 'give the path of the project\'s config relative to `source`, or remove --config');
  }
  if (mapped.stated.length > 0) {
    const portFlag = mapped.server === 'uvicorn' ? '--port $PORT' : '--bind ...:$PORT';
    site.info(`from the Procfile (web: line ${web.line}): ${mapped.stated.join(', ')}${mapped.bindsPortVariable ? `; ${portFlag} binds the image's port ${props.port ?? mapped.port ?? DEFAULT_PORT}` : ''}`);
  }
  return { gunicorn: mapped, webLine: web.line, release };
}

/** The gunicorn settings: the construct's own, and the Procfile's where the construct says nothing. */
function mergeProcfileSettings(site: Site, procfile: ProcfileServerSettings | undefined, explicit: GunicornSettings): GunicornSettings {
  if (procfile === undefined) {
    return explicit;
  }
  const fromProcfile: GunicornSettings = Object.fromEntries(Object.entries(GUNICORN_SETTINGS).map(([key, row]) => [key, row.fromProcfile(procfile)]));
  const merged: { [key: string]: unknown } = { ...fromProcfile };
  for (const [key, value] of Object.entries(explicit)) {
    if (value === undefined) continue;
    const stated = (fromProcfile as { [key: string]: unknown })[key];
    const show = (v: unknown) => (v instanceof WorkerClass ? v.name : Array.isArray(v) ? v.join(',') : String(v));
    if (stated !== undefined && show(stated) !== show(value)) {
      site.warn(`the Procfile sets ${key} to ${show(stated)}, and gunicorn.${key} to ${show(value)}: the construct's value is used`);
    }
    merged[key] = value;
  }
  return merged as GunicornSettings;
}

/** Every setting checked, with its default where it has one now (the table's `resolve`). */
function resolveGunicorn(site: Site, settings: GunicornSettings, workerClassFrom: string | undefined): ResolvedGunicorn {
  const resolved = Object.fromEntries(Object.entries(GUNICORN_SETTINGS)
    .map(([key, row]) => [row.resolvedName, row.resolve(site, settings[key as keyof GunicornSettings])]));
  return { ...resolved, workerClassFrom: workerClassFrom ?? 'gunicorn.workerClass' } as ResolvedGunicorn;
}
