import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { IConstruct } from 'constructs';
import { WsgiImage, WsgiImageProps } from '../src';
import { FLAVOUR } from '../src/private/core/flavour';
import { CONSTRAINT_PATH } from '../src/private/docker/provider-line';

/** A minimal Flask app; override or add files per test. */
export const FLASK_APP: Record<string, string> = {
  'manager.py': 'from app import app\n',
  'app/__init__.py': 'from flask import Flask\napp = Flask(__name__)\n',
  'requirements.txt': 'Flask==2.2.2\ngunicorn==20.1.0\n',
};

/** Writes files into a fresh temporary directory and returns its path. */
export function writeSource(files: Record<string, string> = FLASK_APP, dir?: string): string {
  const root = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wsgi-src-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

/**
 * A stack with a Docker provider, in an app writing to a temporary outdir, on kreuzwerker/docker
 * 3.6.2: the tests are written for that line unless they choose another. The cdktn flavour's
 * bindings pin 4.6.0, so there (test/cdktn/jest.config.js) the stack pins 3.6.2 explicitly.
 */
export function newStack(id = 'test'): { app: App; stack: TerraformStack } {
  const { app, stack } = newStackOnBindingsPin(id);
  onTestedLine(stack);
  return { app, stack };
}

/** Pins `stack` to 3.6.2 where the bindings pin another version (the cdktn flavour); a no-op for cdktf-wsgi. */
export function onTestedLine(stack: TerraformStack): void {
  if (FLAVOUR.bindingsProviderVersion !== '3.6.2') stack.addOverride(CONSTRAINT_PATH, '3.6.2');
}

/** A stack with a Docker provider and no override: the line the bindings pin (3.6.2 for cdktf-wsgi, 4.6.0 for cdktn-wsgi). */
export function newStackOnBindingsPin(id = 'test'): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, id);
  new DockerProvider(stack, 'docker', {});
  return { app, stack };
}

/** The synthesized resources of one type, by name. */
export function resources(stack: TerraformStack, type: string): Record<string, any>[] {
  const json = JSON.parse(Testing.synth(stack));
  return Object.values(json.resource?.[type] ?? {});
}

/**
 * Each docker_container of a stack under its construct path in the stack: "Web" for a
 * WsgiContainer's app container (its default child), "Web/Release", "Web/NetworkHolder".
 */
export function containers(stack: TerraformStack): Record<string, any> {
  return Object.fromEntries(Object.entries<any>(JSON.parse(Testing.synth(stack)).resource?.docker_container ?? {})
    .map(([key, r]) => [key.replace(/_[0-9A-F]{8}$/, '').replace(/_/g, '/'), r]));
}

/**
 * Warnings annotated on a construct tree, after its aspects ran (as synth runs them first): checks
 * that need the finished tree, such as a container's Django environment, run there.
 */
export function warnings(stack: IConstruct): string[] {
  invokeAspects(stack.node.root);
  return stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/warn').map(m => String(m.data)));
}

/** A WsgiImage of `files` in a fresh stack, with the info annotations it made. */
export function image(files: Record<string, string>, props: Partial<WsgiImageProps> = {}) {
  const { app, stack } = newStack();
  const source = writeSource(files);
  const img = new WsgiImage(stack, 'Image', { source, ...props });
  const infos = stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/info').map(m => String(m.data)));
  return { app, stack, img, source, infos };
}

/** A minimal Django project: settings module, wsgi.py, manage.py, WhiteNoise, STATIC_ROOT. */
export const DJANGO = {
  'requirements.txt': 'Django\nwhitenoise\ngunicorn\n',
  'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
  'mysite/__init__.py': '',
  'mysite/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\napplication = get_wsgi_application()\n',
  'mysite/settings.py': [
    'import os',
    'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
    'DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"',
    'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware"]',
    'STATIC_ROOT = "/app/staticfiles"',
  ].join('\n'),
};

/** The whole of the LocatedError `fn` throws, as the construct reports it after its path: "<subject> <problem>. Fix: <fix>". */
export function locatedError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    const fix = (e as { fix?: string }).fix;
    if (fix === undefined) throw e;
    return `${(e as Error).message}. Fix: ${fix}`;
  }
  throw new Error('expected an error, but none was thrown');
}
