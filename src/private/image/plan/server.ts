import { PlannedDependencies } from './dependencies';
import { PlannedGunicorn } from './gunicorn';
import { AppInterface } from '../../../app-interface';
import { WorkerClass } from '../../../gunicorn';
import { WsgiImageProps } from '../../../wsgi-image-props';
import { WSGI_ENTRYPOINT } from '../../core/patterns';
import { fail, Site } from '../../core/validation';
import { compareReleases, releaseNumbersOf } from '../../core/version';
import { CallableCandidate, findCallables } from '../../python/reader';

/** The requirement the image adds for uvicorn's gunicorn worker when the dependencies lack it. */
export const UVICORN_WORKER_REQUIREMENT = 'uvicorn-worker>=0.2,<1';

/** The uvicorn release that moved its gunicorn worker out into the `uvicorn-worker` distribution. */
const UVICORN_WORKER_MOVED = [0, 30];

/** gunicorn's own worker classes: they call a WSGI callable, never an ASGI app. */
const WSGI_WORKERS = new Set([
  'sync', 'gthread', 'gevent', 'eventlet', 'tornado',
  'gunicorn.workers.sync.SyncWorker', 'gunicorn.workers.gthread.ThreadWorker',
  'gunicorn.workers.ggevent.GeventWorker', 'gunicorn.workers.geventlet.EventletWorker',
]);

/** Whether a worker class name is an ASGI worker the library knows (uvicorn's, in any of its homes). */
function isAsgiWorker(name: string): boolean {
  return name === WorkerClass.UVICORN.name || /uvicorn/i.test(name);
}

/** Which interface the app speaks, what said so (for messages), and where that came from. */
export interface DecidedInterface {
  readonly appInterface: AppInterface;
  readonly reason: string;
  readonly from: 'appInterface' | 'procfile' | 'workerClass' | 'entrypoint' | 'default';
}

/**
 * What the props and the Procfile say about the interface before the source is read: the
 * explicit choice, a uvicorn or hypercorn web: line, or an ASGI worker class. Detection then
 * looks only for apps of that kind.
 */
export function statedInterface(props: WsgiImageProps, gunicorn: PlannedGunicorn): DecidedInterface | undefined {
  if (props.appInterface !== undefined) {
    return { appInterface: props.appInterface, reason: `appInterface is AppInterface.${props.appInterface}`, from: 'appInterface' };
  }
  const server = gunicorn.procfile.gunicorn?.server;
  if (server === 'uvicorn' || server === 'hypercorn') {
    return { appInterface: AppInterface.ASGI, reason: `the Procfile's web: line runs ${server}, an ASGI server`, from: 'procfile' };
  }
  const worker = gunicorn.settings.workerClass;
  if (worker !== undefined && isAsgiWorker(worker)) {
    const where = gunicorn.settings.workerClassFrom === 'procfile' ? 'the Procfile' : 'gunicorn.workerClass';
    return { appInterface: AppInterface.ASGI, reason: `${where} names the ASGI worker ${worker}`, from: 'workerClass' };
  }
  return undefined;
}

/** The candidate the entrypoint names in its own module, if the scanner recognises it. */
export function entryCandidate(entrypoint: string, module: string, file: string, text: string): CallableCandidate | undefined {
  const callable = WSGI_ENTRYPOINT.exec(entrypoint)![2];
  return findCallables(text, module, file).find(c => WSGI_ENTRYPOINT.exec(c.entrypoint)![2] === callable);
}

/**
 * The interface the image serves: what the entrypoint is, when the scanner recognises it, which
 * must agree with an explicit choice; otherwise the stated one; otherwise WSGI.
 */
export function decideInterface(
  site: Site, stated: DecidedInterface | undefined, entrypoint: string, entry: CallableCandidate | undefined, djangoAsgiSibling: string | undefined,
): DecidedInterface {
  if (entry === undefined) {
    return stated ?? { appInterface: AppInterface.WSGI, reason: 'the default (nothing says the app is ASGI)', from: 'default' };
  }
  const found = entry.kind === 'asgi' ? AppInterface.ASGI : AppInterface.WSGI;
  const what = `${entry.idiom} in ${entry.file}`;
  if (stated !== undefined && stated.appInterface !== found) {
    if (stated.from === 'appInterface') {
      const fix = found === AppInterface.WSGI && djangoAsgiSibling !== undefined
        ? `set \`entrypoint\` to "${djangoAsgiSibling}", Django's ASGI app, or remove appInterface`
        : `remove appInterface, or set \`entrypoint\` to an ${stated.appInterface} app`;
      fail(site, 'appInterface', `AppInterface.${stated.appInterface}`, `does not match the entrypoint ${entrypoint}, which is ${what}, a${found === AppInterface.ASGI ? 'n' : ''} ${found} app`, fix);
    }
    if (stated.from === 'procfile') {
      // uvicorn can run a WSGI app through its own adapter; gunicorn's WSGI workers serve it better.
      site.info(`${stated.reason}, but ${entrypoint} is ${what}, a WSGI app: the image serves it with gunicorn's WSGI workers`);
      return { appInterface: AppInterface.WSGI, reason: what, from: 'entrypoint' };
    }
  }
  return { appInterface: found, reason: what, from: 'entrypoint' };
}

/** Stage 4b's output: the worker that serves the app, and what the image installs for it. */
export interface PlannedServer {
  readonly appInterface: AppInterface;
  /** gunicorn's worker_class value. */
  readonly workerClass: string;
  readonly threads: number;
  /** Requirements the image adds for the worker; empty when the dependencies provide it. */
  readonly workerRequirements: string[];
}

/** Whether a version is older than a [major, minor] release. */
function olderThan(version: string, release: number[]): boolean {
  return compareReleases(releaseNumbersOf(version).slice(0, release.length), release) < 0;
}

/**
 * Stage 4b: the worker class and threads, whose defaults follow the interface, and the worker's
 * distribution. uvicorn's worker lives in `uvicorn-worker` from uvicorn 0.30 on (the old module
 * stays, deprecated); a pinned older uvicorn still ships it as `uvicorn.workers`.
 */
export function planServer(
  site: Site, gunicorn: PlannedGunicorn, dependencies: PlannedDependencies, decided: DecidedInterface, entrypoint: string,
): PlannedServer {
  const stated = gunicorn.settings.workerClass;
  const property = gunicorn.settings.workerClassFrom ?? 'gunicorn.workerClass';
  const manifest = dependencies.manifest;
  if (decided.appInterface === AppInterface.WSGI) {
    if (stated !== undefined && isAsgiWorker(stated)) {
      fail(site, property, stated, `is an ASGI worker, but ${entrypoint} is a WSGI app (${decided.reason})`,
        'use a WSGI worker such as WorkerClass.GTHREAD (the default), or set appInterface: AppInterface.ASGI if the app is an ASGI app');
    }
    const workerClass = stated ?? WorkerClass.GTHREAD.name;
    return { appInterface: decided.appInterface, workerClass, threads: threadsFor(site, gunicorn, workerClass), workerRequirements: [] };
  }
  if (stated !== undefined && WSGI_WORKERS.has(stated)) {
    fail(site, property, stated, `is a WSGI worker, but ${entrypoint} is an ASGI app (${decided.reason})`,
      'use WorkerClass.UVICORN (the default for ASGI apps), or leave workerClass unset');
  }
  if (stated !== undefined && stated !== WorkerClass.UVICORN.name) {
    // A worker class of the team's own (or uvicorn's, by its full path): used as written.
    return { appInterface: decided.appInterface, workerClass: stated, threads: threadsFor(site, gunicorn, stated), workerRequirements: [] };
  }
  const declared = manifest.files.length > 0 ? manifest.files.join(', ') : 'the dependencies';
  const uvicorn = manifest.pins?.get('uvicorn');
  let workerClass: string;
  let workerRequirements: string[] = [];
  if (manifest.distributions.has('uvicorn-worker')) {
    workerClass = 'uvicorn_worker.UvicornWorker';
  } else if (uvicorn !== undefined && olderThan(uvicorn, UVICORN_WORKER_MOVED)) {
    workerClass = 'uvicorn.workers.UvicornWorker';
    site.info(`the ASGI app is served by uvicorn.workers.UvicornWorker, which the pinned uvicorn ${uvicorn} ships (from 0.30 on it lives in uvicorn-worker)`);
  } else {
    workerClass = 'uvicorn_worker.UvicornWorker';
    // A pinned uvicorn stays as pinned: the worker's newest release may require a newer one.
    workerRequirements = [UVICORN_WORKER_REQUIREMENT, ...(uvicorn !== undefined ? [`uvicorn==${uvicorn}`] : [])];
    site.warn(`uvicorn-worker (gunicorn's uvicorn worker, which serves the ASGI app) is not in ${declared}; the image adds "${UVICORN_WORKER_REQUIREMENT}"`
      + `${uvicorn !== undefined ? ` and keeps uvicorn at ${uvicorn}` : ''}${manifest.hashed ? ' in a separate pip run without hash checking' : ''}. `
      + 'Add uvicorn-worker to your dependencies to choose its version yourself.');
  }
  return { appInterface: decided.appInterface, workerClass, threads: threadsFor(site, gunicorn, workerClass), workerRequirements };
}

/** Threads: 4 for gthread unless stated; more than one only with gthread, which alone uses them. */
function threadsFor(site: Site, gunicorn: PlannedGunicorn, workerClass: string): number {
  const threads = gunicorn.settings.threads ?? (workerClass === WorkerClass.GTHREAD.name ? 4 : 1);
  if (threads > 1 && workerClass !== WorkerClass.GTHREAD.name) {
    // gunicorn would silently turn sync into gthread, and other worker classes ignore threads.
    fail(site, 'gunicorn.threads', threads, `needs the gthread worker class, but workerClass is "${workerClass}"`,
      'use WorkerClass.GTHREAD, or leave threads unset');
  }
  return threads;
}
