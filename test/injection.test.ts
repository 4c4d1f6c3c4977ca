import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerfileParser } from 'dockerfile-ast';
import * as fc from 'fast-check';
import { Dependencies, Duration, HealthCheck, WorkerClass, WsgiContainer, WsgiImage, WsgiImageProps } from '../src';
import { FLASK_APP, newStack, resources, writeSource } from './util';
import { WsgiConfigError } from '../src/private/errors';

/**
 * Property-based: for arbitrary strings in every property that reaches the Dockerfile, the gunicorn
 * config or the container command, synth either rejects the value with a WsgiConfigError, or the
 * rendered files parse to exactly the instructions and settings the library meant.
 */

const SOURCE = writeSource({ ...FLASK_APP, 'manager.py': 'from app import app\n' });
const RUNS = Number(process.env.FC_RUNS ?? 150);

// Strings biased towards what breaks renderers: quotes, escapes, `$`, newlines, NUL, `#`, JSON and Python syntax.
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', ':', '/', ' ', '"', '\'', '\\', '$', '{', '}', '#', '\n', '\r', '\0', '\t', '[', ']', ',', '=', ';', '(', ')', '`', '\u2028', 'é') }),
  fc.string(),
  fc.constantFrom('x\nRUN id', '"; import os; "', '\\"', '$HOME', '${PATH}', 'a#b', '\\\n', '\u0000', '""""', '\\u0022'),
);

/** The image with one property set; undefined when synth rejected the value with our error. */
function tryImage(props: Partial<WsgiImageProps>): WsgiImage | undefined {
  const { stack } = newStack();
  try {
    return new WsgiImage(stack, 'Image', { source: SOURCE, entrypoint: 'manager:app', ...props });
  } catch (e) {
    if (e instanceof WsgiConfigError) {
      return undefined;
    }
    throw e;
  }
}

const BASELINE = tryImage({})!;
const keywords = (dockerfile: string) => DockerfileParser.parse(dockerfile).getInstructions().map(i => i.getKeyword());
const BASE_KEYWORDS = keywords(BASELINE.dockerfile);

/** Docker's double-quoted word: `\"`, `\\` and `\$` are escapes. dockerfile-ast keeps `\$` as is. */
function unescapeDockerValue(v: string): string {
  return v.replace(/\\\$/g, '$');
}

describe('Dockerfile rendering is injection-proof', () => {
  test('environment: rejected, or one ENV instruction holding exactly the value', () => {
    fc.assert(fc.property(nasty, value => {
      const img = tryImage({ environment: { APP_VALUE: value } });
      if (!img) {
        expect(value).toMatch(/[\r\n\0]/);
        return;
      }
      const instructions = DockerfileParser.parse(img.dockerfile).getInstructions();
      const env = instructions.filter(i => i.getKeyword() === 'ENV');
      expect(instructions.map(i => i.getKeyword())).toEqual([...BASE_KEYWORDS.slice(0, BASE_KEYWORDS.indexOf('ENV') + 1), 'ENV', ...BASE_KEYWORDS.slice(BASE_KEYWORDS.indexOf('ENV') + 1)]);
      const property = (env[1] as any).getProperties()[0];
      expect(property.getName()).toBe('APP_VALUE');
      expect(unescapeDockerValue(property.getValue() ?? '')).toBe(value);
    }), { numRuns: RUNS });
  });

  test.each<[string, (v: string) => Partial<WsgiImageProps>]>([
    ['environment name', v => ({ environment: { [v]: 'x' } })],
    ['build arg name', v => ({ buildArgs: { [v]: 'x' } })],
    ['build arg value', v => ({ buildArgs: { A: v } })],
    ['base image', v => ({ baseImage: v })],
    ['python version', v => ({ pythonVersion: v })],
    ['apt package', v => ({ aptPackages: [v] })],
    ['exclude pattern', v => ({ exclude: [v] })],
    ['requirements path', v => ({ dependencies: Dependencies.requirementsFile(v) })],
    ['django build environment', v => ({ entrypoint: 'app:app', django: { settingsModule: 'app', collectStatic: false, buildEnvironment: { X: v } } })],
    ['gunicorn requirement', v => ({ gunicornRequirement: v })],
    ['image name', v => ({ imageName: v })],
    ['image tag', v => ({ imageTag: v })],
    ['platform', v => ({ platform: v })],
  ])('%s: rejected, or the Dockerfile keeps exactly the intended instructions', (_name, props) => {
    fc.assert(fc.property(nasty, value => {
      const img = tryImage(props(value));
      if (!img) {
        return;
      }
      const parsed = DockerfileParser.parse(img.dockerfile).getInstructions();
      const kw = parsed.map(i => i.getKeyword());
      // Only the property's own instructions may appear: at most one ARG, RUN (apt) or different FROM argument.
      expect(kw.filter(k => !['ARG', 'RUN', 'ENV'].includes(k))).toEqual(BASE_KEYWORDS.filter(k => !['ARG', 'RUN', 'ENV'].includes(k)));
      expect(kw.filter(k => k === 'RUN').length - BASE_KEYWORDS.filter(k => k === 'RUN').length).toBeLessThanOrEqual(1);
      expect(img.dockerfile.split('\n').every(line => !/[\r\0]/.test(line))).toBe(true);
      const from = parsed.find(i => i.getKeyword() === 'FROM')!.getArgumentsContent();
      expect(from).not.toMatch(/\s/);
    }), { numRuns: RUNS });
  });
});

/** Loads generated configs with Python and returns their settings, one object per file. */
function loadGunicornConfigs(configs: string[]): Record<string, unknown>[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gconf-fuzz-'));
  const files = configs.map((c, i) => {
    const f = path.join(dir, `c${i}.py`);
    fs.writeFileSync(f, c);
    return f;
  });
  const out = execFileSync('python3', ['-c', [
    'import json, runpy, sys',
    'keys = ("wsgi_app", "bind", "worker_class", "forwarded_allow_ips", "threads", "timeout")',
    'print(json.dumps([{k: v for k, v in runpy.run_path(f).items() if k in keys} for f in sys.argv[1:]]))',
  ].join('\n'), ...files], { encoding: 'utf-8', env: { PATH: process.env.PATH! } });
  return JSON.parse(out);
}

describe('gunicorn config rendering is injection-proof', () => {
  test('entrypoint, worker class and forwarded IPs: rejected, or valid Python holding exactly the value', () => {
    const samples = fc.sample(fc.tuple(nasty, nasty, nasty), RUNS);
    const rendered: Array<{ config: string; expected: Record<string, unknown> }> = [];
    for (const [entry, workerClass, ip] of samples) {
      for (const [props, expected] of [
        [{ entrypoint: entry }, { wsgi_app: entry }],
        [{ gunicorn: { workerClass: WorkerClass.custom(workerClass) } }, { worker_class: workerClass }],
        [{ gunicorn: { forwardedAllowIps: [ip] } }, { forwarded_allow_ips: ip }],
      ] as Array<[Partial<WsgiImageProps>, Record<string, unknown>]>) {
        let img: WsgiImage | undefined;
        try {
          const { stack } = newStack();
          img = new WsgiImage(stack, 'Image', { source: SOURCE, entrypoint: 'manager:app', ...props });
        } catch (e) {
          if (!(e instanceof WsgiConfigError)) throw e;
        }
        if (img) rendered.push({ config: img.gunicornConfig, expected });
      }
    }
    // Valid values must have been generated too, or the property proves nothing.
    expect(rendered.length).toBeGreaterThan(0);
    const loaded = loadGunicornConfigs(rendered.map(r => r.config));
    rendered.forEach((r, i) => {
      expect(loaded[i]).toMatchObject({ bind: ['0.0.0.0:8000'], timeout: 30, ...r.expected });
    });
  });

  test('every setting renders as a literal, whatever the values', () => {
    const img = tryImage({
      gunicorn: { workers: 3, timeout: Duration.seconds(7), forwardedAllowIps: ['*'], workerClass: WorkerClass.custom('a.b.C') },
    })!;
    expect(loadGunicornConfigs([img.gunicornConfig])[0]).toEqual({
      wsgi_app: 'manager:app', bind: ['0.0.0.0:8000'], worker_class: 'a.b.C', forwarded_allow_ips: '*', threads: 1, timeout: 7,
    });
  });
});

/** The synthesized health check test of a container, or undefined when synth rejected the check. */
function healthCheckTest(healthCheck: HealthCheck): string[] | undefined {
  const { stack } = newStack();
  const image = new WsgiImage(stack, 'Image', { source: SOURCE, entrypoint: 'manager:app' });
  try {
    new WsgiContainer(stack, 'Web', { image, healthCheck });
  } catch (e) {
    if (e instanceof WsgiConfigError) return undefined;
    throw e;
  }
  return resources(stack, 'docker_container')[0].healthcheck.test;
}

describe('container command rendering is injection-proof', () => {
  test('health check path: rejected, or passed as one argument, never as code', () => {
    fc.assert(fc.property(nasty, p => {
      const test = healthCheckTest(HealthCheck.http(p));
      if (!test) return;
      expect(test).toHaveLength(8);
      expect(test[5]).toBe(p);
      expect(test[3]).not.toContain(p.length > 2 ? p : '\u0000never');
    }), { numRuns: RUNS });
  });

  test('health check command: rejected, or exactly the given argv in exec form', () => {
    fc.assert(fc.property(fc.array(nasty, { minLength: 1, maxLength: 4 }), argv => {
      const test = healthCheckTest(HealthCheck.command(argv));
      if (!test) return;
      expect(test).toEqual(['CMD', ...argv]);
    }), { numRuns: RUNS });
  });
});
