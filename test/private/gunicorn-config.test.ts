import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderGunicornConfig, SECRET_FILES_VARIABLE } from '../../src/private/image/gunicorn-config';

const SPEC = {
  entrypoint: 'app:app',
  port: 8000,
  appDir: '/app',
  threads: 4,
  workerClass: 'gthread',
  timeoutSeconds: 30,
  gracefulTimeoutSeconds: 30,
  keepAliveSeconds: 5,
  maxRequests: 0,
  maxRequestsJitter: 0,
  accessLog: false,
  preload: false,
};

/** Runs a config as gunicorn would (exec of the file) and prints what the environment then holds. */
function run(config: string, env: { [name: string]: string }, names: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gconf-'));
  fs.writeFileSync(path.join(dir, 'gunicorn.conf.py'), config);
  fs.writeFileSync(path.join(dir, 'project.py'), 'graceful_timeout = 3\n');
  const script = `import json, os\nexec(open(${JSON.stringify(path.join(dir, 'gunicorn.conf.py'))}).read())\nprint(json.dumps({n: os.environ.get(n) for n in ${JSON.stringify(names)}}))`;
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf-8', env: { PATH: process.env.PATH!, ...env } });
  return { status: r.status, stderr: r.stderr, env: r.status === 0 ? JSON.parse(r.stdout) : undefined, dir };
}

describe('runtime secrets from files', () => {
  test.each([
    ['the generated config', renderGunicornConfig(SPEC)],
    ['a config over the project\'s own', renderGunicornConfig({ ...SPEC, projectConfig: '/nowhere/project.py' }).split('/nowhere/project.py').join('%PROJECT%')],
  ])('%s loads each named file into the environment, keeps variables already set, and does nothing without the variable', (_, template) => {
    const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    fs.writeFileSync(path.join(secrets, 'DJANGO_SECRET_KEY'), 'k#(1\n');
    fs.writeFileSync(path.join(secrets, 'API_TOKEN'), 'from-file');
    const probe = run('', {}, []);
    const config = template.replace(/%PROJECT%/g, path.join(probe.dir, 'project.py'));
    const loaded = run(config, { [SECRET_FILES_VARIABLE]: 'DJANGO_SECRET_KEY,API_TOKEN', CDKTF_WSGI_SECRETS_DIR: secrets, API_TOKEN: 'from-env' }, ['DJANGO_SECRET_KEY', 'API_TOKEN']);
    expect(loaded.stderr).toBe('');
    expect(loaded.env).toEqual({ DJANGO_SECRET_KEY: 'k#(1\n', API_TOKEN: 'from-env' });
    expect(run(config, { CDKTF_WSGI_SECRETS_DIR: secrets }, ['DJANGO_SECRET_KEY']).env).toEqual({ DJANGO_SECRET_KEY: null });
    // A named secret whose file is missing is an error at start, not a silently empty variable.
    expect(run(config, { [SECRET_FILES_VARIABLE]: 'MISSING', CDKTF_WSGI_SECRETS_DIR: secrets }, []).status).not.toBe(0);
  });
});
