import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerfileParser } from 'dockerfile-ast';
import * as fc from 'fast-check';
import { Dependencies, Duration, HealthCheck, WorkerClass, WsgiContainer, WsgiImage, WsgiImageProps } from '../src';
import { FLASK_APP, newStack, resources, writeSource } from './util';
import { WsgiConfigError } from '../src/private/core/validation';

/**
 * Property-based: for arbitrary strings in every property that reaches the Dockerfile, the gunicorn
 * config or the container command, synth either rejects the value with a WsgiConfigError, or the
 * rendered files parse to exactly the instructions and settings the library meant.
 */

const SOURCE = writeSource({ ...FLASK_APP, 'manager.py': 'from app import app\n', 'reqs/prod.txt': 'flask\n', 'requirements-prod.txt': 'flask\n' });
const RUNS = Number(process.env.FC_RUNS ?? 150);

// Strings biased towards what breaks renderers: quotes, escapes, `$`, newlines, NUL, `#`, JSON and Python syntax.
const nasty = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', ':', '/', ' ', '"', '\'', '\\', '$', '{', '}', '#', '\n', '\r', '\0', '\t', '[', ']', ',', '=', ';', '(', ')', '`', '\u2028', 'é') }),
  fc.string(),
  fc.constantFrom('x\nRUN id', '"; import os; "', '\\"', '$HOME', '${PATH}', 'a#b', '\\\n', '\u0000', '""""', '\\u0022'),
);

/**
 * Runs a property RUNS times: `tryValue` renders one value and checks it, or returns false where
 * synth rejected it. At least `minShare` of the values must have been accepted: a property that
 * accepted nothing has proved nothing.
 */
function assertMostlyAccepted<T>(values: fc.Arbitrary<T>, minShare: number, tryValue: (value: T) => boolean): void {
  let accepted = 0;
  fc.assert(fc.property(values, value => {
    if (tryValue(value)) accepted++;
  }), { numRuns: RUNS });
  expect(accepted / RUNS).toBeGreaterThanOrEqual(minShare);
}

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

  /** Every instruction as written (keyword and arguments), for whole-Dockerfile comparisons. */
  const instructions = (dockerfile: string) => DockerfileParser.parse(dockerfile).getInstructions().map(i => `${i.getKeyword()} ${i.getArgumentsContent() ?? ''}`);
  const BASE = instructions(BASELINE.dockerfile);
  /** The Dockerfile equals the baseline's, instruction by instruction, ARG, ENV and RUN included, but for the ones `changed` accepts. */
  const sameAsBaselineExcept = (dockerfile: string, changed: (instruction: string) => boolean) => {
    expect(instructions(dockerfile).filter(i => !changed(i))).toEqual(BASE.filter(i => !changed(i)));
  };
  const lowerWord = fc.stringMatching(/^[a-z0-9][a-z0-9]{0,7}$/);
  const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,11}$/);

  /**
   * Each row: a generator of mostly valid values mixed with hostile ones, the props, the least share
   * of values synth must accept (so the property is not proved on rejections alone), and what the
   * Dockerfile must then be: the baseline's instructions exactly, plus or minus the intended change.
   */
  test.each<[string, fc.Arbitrary<string>, (v: string) => Partial<WsgiImageProps>, number, (img: WsgiImage, v: string) => void]>([
    ['environment name', envName, v => ({ environment: { [v]: 'x' } }), 0.6, (img, v) => {
      const env = instructions(img.dockerfile).filter(i => i.startsWith('ENV ') && !BASE.includes(i));
      expect(env).toEqual([`ENV ${v}="x"`]);
      sameAsBaselineExcept(img.dockerfile, i => i === `ENV ${v}="x"`);
    }],
    ['build arg name', envName, v => ({ buildArgs: { [v]: 'x' } }), 0.6, (img, v) => {
      expect(instructions(img.dockerfile).filter(i => i.startsWith('ARG '))).toEqual([`ARG ${v}`]);
      sameAsBaselineExcept(img.dockerfile, i => i.startsWith('ARG '));
    }],
    ['build arg value', fc.oneof({ arbitrary: fc.string(), weight: 3 }, { arbitrary: nasty, weight: 1 }), v => ({ buildArgs: { A: v } }), 0.6, img => {
      // The value goes to the provider's build_args, never into the Dockerfile.
      expect(instructions(img.dockerfile).filter(i => i.startsWith('ARG '))).toEqual(['ARG A']);
      sameAsBaselineExcept(img.dockerfile, i => i.startsWith('ARG '));
      // Byte for byte the Dockerfile of any other value (a substring test flaked on values such as
      // "cons", which the header comment contains anyway).
      expect(img.dockerfile).toBe(tryImage({ buildArgs: { A: 'x' } })!.dockerfile);
    }],
    ['base image', fc.oneof(
      { arbitrary: fc.tuple(fc.constantFrom('', 'registry.example.com/', 'localhost:5000/team/'), lowerWord, fc.constantFrom('', ':3.12-slim', ':latest')).map(([r, n, t]) => `${r}${n}${t}`), weight: 3 },
      { arbitrary: nasty, weight: 1 }), v => ({ baseImage: v }), 0.6, (img, v) => {
      expect(instructions(img.dockerfile).filter(i => i.startsWith('FROM '))).toEqual([`FROM ${v}`]);
      sameAsBaselineExcept(img.dockerfile, i => i.startsWith('FROM '));
    }],
    ['python version', fc.oneof(
      { arbitrary: fc.tuple(fc.integer({ min: 8, max: 13 }), fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined })).map(([m, p]) => `3.${m}${p === undefined ? '' : `.${p}`}`), weight: 3 },
      { arbitrary: nasty, weight: 1 }), v => ({ pythonVersion: v }), 0.6, (img, v) => {
      expect(instructions(img.dockerfile).filter(i => i.startsWith('FROM '))).toEqual([`FROM python:${v}-slim`]);
      sameAsBaselineExcept(img.dockerfile, i => i.startsWith('FROM '));
    }],
    ['apt package', fc.oneof({ arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{1,12}$/), weight: 3 }, { arbitrary: nasty, weight: 1 }), v => ({ aptPackages: [v] }), 0.6, (img, v) => {
      const apt = instructions(img.dockerfile).filter(i => !BASE.includes(i));
      expect(apt).toHaveLength(1);
      expect(apt[0].startsWith('RUN apt-get update')).toBe(true);
      expect(apt[0].split(/\s+/)).toContain(v);
      sameAsBaselineExcept(img.dockerfile, i => i === apt[0]);
    }],
    ['exclude pattern', fc.oneof({ arbitrary: fc.constantFrom('*.log', 'docs/**', '**/__pycache__', 'tests', '!keep.txt', 'a?c'), weight: 3 }, { arbitrary: nasty, weight: 1 }),
      v => ({ exclude: [v] }), 0.6, img => sameAsBaselineExcept(img.dockerfile, () => false)],
    ['requirements path', fc.oneof({ arbitrary: fc.constantFrom('requirements.txt', 'reqs/prod.txt', './reqs/prod.txt', 'requirements-prod.txt'), weight: 3 }, { arbitrary: nasty, weight: 1 }),
      v => ({ dependencies: Dependencies.requirementsFile(v) }), 0.6, (img, v) => {
        const normalized = v.replace(/^\.\//, '');
        expect(instructions(img.dockerfile)).toContain(`COPY ["app/${normalized}", "/app/${normalized}"]`);
        sameAsBaselineExcept(img.dockerfile, i => i.startsWith('COPY ["app/requirements') || i.startsWith('COPY ["app/reqs'));
      }],
    ['django build environment', fc.oneof({ arbitrary: fc.string(), weight: 3 }, { arbitrary: nasty, weight: 1 }),
      v => ({ entrypoint: 'app:app', django: { settingsModule: 'app', collectStatic: false, buildEnvironment: { X: v } } }), 0.6, img => {
      // Without collectstatic the build environment is used by no step, and nothing of it is rendered.
        sameAsBaselineExcept(img.dockerfile, i => i.startsWith('ENV DJANGO_SETTINGS_MODULE'));
      }],
    ['gunicorn requirement', fc.oneof({ arbitrary: fc.constantFrom('gunicorn', 'gunicorn==23.0.0', 'gunicorn>=20.1,<24', 'gunicorn[gthread]~=22.0', 'Gunicorn == 21.2.0'), weight: 3 }, { arbitrary: nasty, weight: 1 }),
      v => ({ gunicornRequirement: v }), 0.6, img => sameAsBaselineExcept(img.dockerfile, () => false)],
    ['image name', fc.oneof({ arbitrary: fc.array(lowerWord, { minLength: 1, maxLength: 3 }).map(p => p.join('/')), weight: 3 }, { arbitrary: nasty, weight: 1 }),
      v => ({ repository: v }), 0.6, (img, v) => {
        expect(img.imageName.startsWith(`${v}:`)).toBe(true);
        sameAsBaselineExcept(img.dockerfile, () => false);
      }],
    ['image tag', fc.oneof({ arbitrary: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), weight: 3 }, { arbitrary: nasty, weight: 1 }), v => ({ imageTag: v }), 0.6, (img, v) => {
      expect(img.imageName.endsWith(`:${v}`)).toBe(true);
      sameAsBaselineExcept(img.dockerfile, () => false);
    }],
    ['platform', fc.oneof({ arbitrary: fc.constantFrom('linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/386'), weight: 3 }, { arbitrary: nasty, weight: 1 }),
      v => ({ platform: v }), 0.6, img => sameAsBaselineExcept(img.dockerfile, () => false)],
  ])('%s: mostly valid values are accepted and change only their own instructions; hostile ones are rejected', (_name, values, props, minShare, check) => {
    assertMostlyAccepted(values, minShare, value => {
      const img = tryImage(props(value));
      if (!img) return false;
      expect(img.dockerfile.split('\n').every(line => !/[\r\0]/.test(line))).toBe(true);
      check(img, value);
      return true;
    });
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
  const pathSegment = fc.stringMatching(/^[A-Za-z0-9._~%-]{1,10}$/);
  /** Request paths a user writes, mixed with hostile strings. */
  const paths = fc.oneof(
    { arbitrary: fc.array(pathSegment, { maxLength: 3 }).map(s => `/${s.join('/')}`), weight: 6 },
    { arbitrary: nasty.map(s => `/${s}`), weight: 1 },
    { arbitrary: nasty, weight: 1 });
  const argv = fc.oneof(
    { arbitrary: fc.array(fc.stringMatching(/^[A-Za-z0-9._/=-]{1,12}$/), { minLength: 1, maxLength: 4 }), weight: 3 },
    { arbitrary: fc.array(nasty, { minLength: 1, maxLength: 4 }), weight: 1 });

  /** The property over `values`: at least 60% accepted, and each accepted one's rendered test passes `check`. */
  function acceptsAndRenders<T>(values: fc.Arbitrary<T>, check: (test: string[], value: T) => void, toCheck: (value: T) => HealthCheck) {
    assertMostlyAccepted(values, 0.6, value => {
      const test = healthCheckTest(toCheck(value));
      if (!test) return false;
      check(test, value);
      return true;
    });
  }

  test('health check path: mostly accepted, and then passed as one argument, never as code; the rest rejected', () => {
    acceptsAndRenders(paths, (test, p) => {
      expect(test).toHaveLength(8);
      expect(test[5]).toBe(p);
      expect(test[3]).not.toContain(p.length > 2 ? p : '\u0000never');
    }, p => HealthCheck.http(p));
  });

  test('health check command: mostly accepted, and then exactly the given argv in exec form; the rest rejected', () => {
    acceptsAndRenders(argv, (test, a) => expect(test).toEqual(['CMD', ...a]), a => HealthCheck.command(a));
  });
});
