import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { AppInterface, BuildSecret, Dependencies, Duration, ReleaseCommand, HealthCheck, Protocol, UpdateOrder, WorkerClass, WsgiContainer, WsgiContainerProps, WsgiImage, WsgiImageProps } from '../src';
import { FLASK_APP, newStack, writeSource } from './util';

type ImageCase = [
  name: string,
  props: Partial<WsgiImageProps> | ((stack: TerraformStack) => Partial<WsgiImageProps>),
  message: RegExp,
  files?: Record<string, string>,
  /** Shapes the source directory beyond plain files (links, modes). */
  prepare?: (source: string) => void,
];

/**
 * Every row: a bad WsgiImage configuration, and the one error it must produce. Each message names
 * the construct path, the property, the value and a fix.
 */
const IMAGE_CASES: ImageCase[] = [
  ['missing source directory', { source: '/nonexistent/app' }, /^test\/Image: 'source' "\/nonexistent\/app" is not a directory \(looked for \/nonexistent\/app\)\. Fix: point `source` at/],
  ['entrypoint without a callable', { entrypoint: 'manager' }, /^test\/Image: 'entrypoint' "manager" is not "module:callable"\. Fix: name the module and the WSGI callable/],
  ['entrypoint with a path', { entrypoint: 'app/manager.py:app' }, /'entrypoint' "app\/manager.py:app" is not "module:callable"/],
  ['entrypoint as a file name', { entrypoint: 'service.py:app' }, /^test\/Image: 'entrypoint' "service\.py:app" names module service\.py, but neither service\/py\.py nor service\/py\/__init__\.py is in the build context \(source .*\)\. Fix: drop "\.py": "service:app"$/,
    { 'service.py': 'from flask import Flask\napp = Flask(__name__)\n' }],
  ['misspelled callable', { entrypoint: 'service:application' }, /^test\/Image: 'entrypoint' "service:application" names application, which service\.py does not define, assign or import at module level \(WSGI callables found there: service:app \(Flask\(\.\.\.\)\)\)\. Fix: use "service:app"$/,
    { 'service.py': 'from flask import Flask\napp = Flask(__name__)\n' }],
  ['callable in a module without WSGI idioms', { entrypoint: 'helpers:app' }, /^test\/Image: 'entrypoint' "helpers:app" names app, which helpers\.py does not define, assign or import at module level \(no WSGI callable found there; names it binds: VERSION, helper, os\)\. Fix: name the WSGI callable the module defines/,
    { 'helpers.py': 'import os\nVERSION = 1\ndef helper():\n    app = 1\n    return app\n' }],
  ['entrypoint with code', { entrypoint: 'manager:app; import os' }, /'entrypoint' "manager:app; import os" is not "module:callable"/],
  ['entrypoint module missing', { entrypoint: 'wsgi:application' }, /'entrypoint' "wsgi:application" names module wsgi, but neither wsgi\.py nor wsgi\/__init__\.py is in the build context .*Fix: check the module name/],
  ['entrypoint module excluded', { entrypoint: 'manager:app', exclude: ['manager.py'] }, /names module manager, but neither manager\.py nor manager\/__init__\.py is in the build context/],
  ['missing requirements file', { dependencies: Dependencies.requirementsFile('reqs/prod.txt') }, /'dependencies' "reqs\/prod\.txt" names a file that does not exist \(looked in .*\)\. Fix: create the file/],
  ['no manifest at all', {}, /^test\/Image: 'dependencies' undefined found no dependency manifest in .* \(looked for poetry\.lock, uv\.lock, Pipfile\.lock, requirements\.txt and pyproject\.toml with \[project\] dependencies\)\. Fix: add a requirements\.txt, point `dependencies` at your manifest, or use Dependencies\.none\(\)/, { 'requirements.txt': '' }],
  ['only a requirements/ folder', {}, /^test\/Image: 'dependencies' undefined found no dependency manifest in .* \(looked for poetry\.lock, uv\.lock, Pipfile\.lock, requirements\.txt and pyproject\.toml with \[project\] dependencies\), but it has requirements\/base\.txt, requirements\/local\.txt, requirements\/production\.txt\. Fix: point `dependencies` at the file the app runs with, e\.g\. Dependencies\.requirementsFile\("requirements\/production\.txt"\)$/,
    { 'requirements.txt': '', 'requirements/base.txt': 'flask\n', 'requirements/local.txt': '-r base.txt\n', 'requirements/production.txt': '-r base.txt\ngunicorn\n' }],
  ['only requirements-*.txt files', {}, /but it has requirements-dev\.txt, requirements-prod\.txt\. Fix: point `dependencies` at the file the app runs with, e\.g\. Dependencies\.requirementsFile\("requirements-prod\.txt"\)$/,
    { 'requirements.txt': '', 'requirements-dev.txt': 'pytest\n', 'requirements-prod.txt': 'flask\n' }],
  ['requirements include missing', {}, /'dependencies' "requirements\.txt" pulls in base\.txt, which does not exist \(included by requirements\.txt\) \(looked in .*\)\. Fix: create base\.txt or fix the include/, { 'requirements.txt': '-r base.txt\n' }],
  ['requirements include outside source', {}, /'dependencies' "requirements\.txt" pulls in \.\.\/outside\.txt, which is included by requirements\.txt but lies outside the source directory/, { 'requirements.txt': '-r ../outside.txt\n' }],
  ['absolute requirements path', { dependencies: Dependencies.requirementsFile('/etc/requirements.txt') }, /'dependencies' "\/etc\/requirements\.txt" is an absolute path\. Fix: give the path relative to `source`/],
  ['lock outside source', { dependencies: Dependencies.uvLock({ file: '../uv.lock' }) }, /'dependencies' "\.\.\/uv\.lock" lies outside the source directory\. Fix: move the file into the source directory/],
  ['malformed uv.lock', { dependencies: Dependencies.uvLock() }, /'dependencies' "uv\.lock" names a file that is not valid TOML \(.*\) \(looked in .*\)\. Fix: fix the file, or regenerate it/, { 'uv.lock': '[[package]\nname = ' }],
  ['incomplete poetry.lock', { dependencies: Dependencies.poetryLock() }, /'dependencies' "poetry\.lock" names a file that requires click, which it does not lock .*Fix: regenerate the lock file/, { 'poetry.lock': '[[package]]\nname = "flask"\nversion = "2.2.2"\n[package.dependencies]\nclick = ">=8"\n', 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.11"\nflask = "*"\n' }],
  ['poetry.lock without pyproject', { dependencies: Dependencies.poetryLock() }, /'dependencies' "poetry\.lock" pulls in pyproject\.toml, which does not exist .*Fix: keep pyproject\.toml next to poetry\.lock/, { 'poetry.lock': '' }],
  ['uv.lock without the project', { dependencies: Dependencies.uvLock() }, /'dependencies' "uv\.lock" names a file that has no package for the project in its own directory/, { 'uv.lock': 'version = 1\n[[package]]\nname = "flask"\nversion = "2.2.2"\nsource = { registry = "https://pypi.org/simple" }\n' }],
  ['uv group missing', { dependencies: Dependencies.uvLock({ groups: ['docs'] }) }, /'dependencies' "uv\.lock" names a file that has no dependency group "docs" \(it has: none\)/, { 'uv.lock': 'version = 1\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\n' }],
  ['pyproject with poetry deps only', { dependencies: Dependencies.pyproject() }, /'dependencies' "pyproject\.toml" names a file that declares its dependencies under \[tool\.poetry\], which only poetry can resolve.*Fix: run `poetry lock`/, { 'pyproject.toml': '[tool.poetry.dependencies]\nflask = "*"\n' }],
  ['pyproject dynamic deps', { dependencies: Dependencies.pyproject() }, /declares its dependencies as dynamic/, { 'pyproject.toml': '[project]\nname = "x"\ndynamic = ["dependencies"]\n' }],
  ['pyproject unknown extra', { dependencies: Dependencies.pyproject({ extras: ['pg'] }) }, /has no optional-dependencies extra "pg" \(it has: none\)/, { 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["flask"]\n' }],
  ['Pipfile.lock not JSON', { dependencies: Dependencies.pipfileLock() }, /'dependencies' "Pipfile\.lock" names a file that is not valid JSON/, { 'Pipfile.lock': '{' }],
  ['Pipfile.lock entry without a version', { dependencies: Dependencies.pipfileLock() }, /'dependencies' "Pipfile\.lock" names a file that locks flask without a version or source .*Fix: regenerate it with `pipenv lock`/, { 'Pipfile.lock': '{"default": {"flask": {}}}' }],
  ['poetry.lock package without a version', { dependencies: Dependencies.poetryLock() }, /'dependencies' "poetry\.lock" names a file that has a \[\[package\]\] without a name or version .*Fix: regenerate it with `poetry lock`/, { 'poetry.lock': '[[package]]\nname = "flask"\n', 'pyproject.toml': '' }],
  ['uv.lock package without a name', { dependencies: Dependencies.uvLock() }, /'dependencies' "uv\.lock" names a file that has a \[\[package\]\] without a name .*Fix: regenerate it with `uv lock`/, { 'uv.lock': '[[package]]\nversion = "1"\n' }],
  ['uv.lock with two projects in its directory', { dependencies: Dependencies.uvLock() }, /'dependencies' "uv\.lock" names a file that has several packages in its own directory .*Fix: point the dependencies at the uv\.lock of the app's own project/, { 'uv.lock': '[[package]]\nname = "a"\nsource = { virtual = "." }\n[[package]]\nname = "b"\nsource = { editable = "." }\n' }],
  ['uv extra missing', { dependencies: Dependencies.uvLock({ extras: ['pg'] }) }, /'dependencies' "uv\.lock" names a file that has no extra "pg" for the project \(it has: none\) \(looked in .*\)\. Fix: name an extra the project defines/, { 'uv.lock': '[[package]]\nname = "app"\nsource = { virtual = "." }\n' }],
  ['pyproject entry that is a pip option', { dependencies: Dependencies.pyproject() }, /'dependencies' "pyproject\.toml" names a file that has "-r other\.txt" in \[project\] dependencies, which is not a PEP 508 requirement/, { 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["-r other.txt"]\n' }],
  ['pyproject without [project]', { dependencies: Dependencies.pyproject() }, /'dependencies' "pyproject\.toml" names a file that has no \[project\] table with a dependencies list \(PEP 621\) \(looked in .*\)\. Fix: add `dependencies = \[\.\.\.\]` under \[project\]/, { 'pyproject.toml': '[tool.black]\nline-length = 100\n' }],
  ['import root missing', { importRoot: 'lib' }, /'importRoot' "lib" is not a directory inside the source .*Fix: give a relative path such as "src"/],
  ['import root escaping', { importRoot: '../x' }, /'importRoot' "\.\.\/x" is not a directory inside the source/],
  ['local package missing', { localPackages: ['../nowhere'] }, /'localPackages\[0\]' "\.\.\/nowhere" is neither a package directory nor a \.py module/],
  ['local package shadowing', { localPackages: ['app'] }, /'localPackages\[0\]' "app" would be imported as "app", but the app has a module of that name/],
  ['no entrypoint found', { entrypoint: undefined }, /^test\/Image: 'entrypoint' undefined was not given, and no WSGI callable or ASGI app was found in .* \(looked for Django's wsgi\.py.*FastAPI\(\), Starlette\(\), Quart\(\.\.\.\), Litestar\(\), Django's asgi\.py and factories building one\)\. Fix: set `entrypoint` to "module:callable"/, { 'app/__init__.py': 'x = 1\n' }],
  ['several entrypoints found', { entrypoint: undefined }, /'entrypoint' undefined was not given, and 2 apps were found: app:app \(Flask\(\.\.\.\) in app\/__init__\.py\), other:api \(falcon\.App\(\) in other\.py\)\. Fix: set `entrypoint` to the one to serve, e\.g\. "app:app"/, { 'other.py': 'import falcon\napi = falcon.App()\n' }],
  ['an ASGI app on a WSGI worker', { entrypoint: 'api:app', gunicorn: { workerClass: WorkerClass.SYNC } }, /^test\/Image: 'gunicorn\.workerClass' "sync" is a WSGI worker, but api:app is an ASGI app \(FastAPI\(\) in api\.py\)\. Fix: use WorkerClass\.UVICORN \(the default for ASGI apps\), or leave workerClass unset$/, { 'api.py': 'from fastapi import FastAPI\napp = FastAPI()\n' }],
  ['a WSGI app on the uvicorn worker', { entrypoint: 'app:app', gunicorn: { workerClass: WorkerClass.UVICORN } }, /^test\/Image: 'gunicorn\.workerClass' "uvicorn" is an ASGI worker, but app:app is a WSGI app \(Flask\(\.\.\.\) in app\/__init__\.py\)\. Fix: use a WSGI worker such as WorkerClass\.GTHREAD \(the default\), or set appInterface: AppInterface\.ASGI if the app is an ASGI app$/],
  ['a Flask app declared ASGI', { appInterface: AppInterface.ASGI, entrypoint: 'app:app' }, /^test\/Image: 'appInterface' "AppInterface\.ASGI" does not match the entrypoint app:app, which is Flask\(\.\.\.\) in app\/__init__\.py, a WSGI app\. Fix: remove appInterface, or set `entrypoint` to an ASGI app$/],
  ['no ASGI app where one is declared', { appInterface: AppInterface.ASGI, entrypoint: undefined }, /^test\/Image: 'entrypoint' undefined was not given, and no ASGI app was found in .* \(looked for FastAPI\(\), Starlette\(\), Quart\(\.\.\.\), Litestar\(\), Django's asgi\.py and factories building one\); found app:app \(Flask\(\.\.\.\), WSGI\), but appInterface is AppInterface\.ASGI\. Fix: set `entrypoint` to "module:callable", e\.g\. "manager:app"$/],
  ['uvicorn with threads', { entrypoint: 'api:app', gunicorn: { threads: 4 } }, /^test\/Image: 'gunicorn\.threads' 4 needs the gthread worker class, but workerClass is "uvicorn_worker\.UvicornWorker"\. Fix: use WorkerClass\.GTHREAD, or leave threads unset$/, { 'api.py': 'import fastapi\napp = fastapi.FastAPI()\n' }],
  ['django settings missing', { entrypoint: 'site1.wsgi:application' }, /'django\.settingsModule' "site1\.settings" names a module that is not in the build context \(looked for site1\/settings\.py\)/, { 'site1/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\napplication = get_wsgi_application()\n' }],
  ['django collectStatic without STATIC_ROOT', { entrypoint: 'site1.wsgi:application', django: { collectStatic: true } }, /'django\.collectStatic' true needs STATIC_ROOT, which site1\/settings\.py does not set/, { 'site1/wsgi.py': 'from django.core.wsgi import get_wsgi_application\nimport os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\napplication = get_wsgi_application()\n', 'site1/settings.py': 'DEBUG = False\n' }],
  ['django settings module not dotted', { django: { settingsModule: 'site1/settings' } }, /'django\.settingsModule' "site1\/settings" is not a dotted module name/],
  ['django settings module not named anywhere', { entrypoint: 'site1.wsgi:application' }, /'django\.settingsModule' undefined is not set, and neither site1\/wsgi\.py nor manage\.py names DJANGO_SETTINGS_MODULE\. Fix: set `django\.settingsModule`/, { 'site1/wsgi.py': 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n' }],
  ['import root with odd characters', { importRoot: 'my src' }, /'importRoot' "my src" has characters other than letters, digits/, { 'my src/x.py': '' }],
  ['local package not importable', { localPackages: ['../my-lib'] }, /'localPackages\[0\]' "\.\.\/my-lib" is named "my-lib", which Python cannot import/, undefined, (src: string) => fs.mkdirSync(path.join(src, '..', 'my-lib'), { recursive: true })],
  ['local packages with one name', { localPackages: ['../a/common', '../b/common'] }, /'localPackages\[1\]' "\.\.\/b\/common" would be imported as "common", like \.\.\/a\/common\. Fix: give every local package a distinct name/, undefined,
    (src: string) => ['a', 'b'].forEach(d => fs.mkdirSync(path.join(src, '..', d, 'common'), { recursive: true }))],
  ['dependency group with newline', { dependencies: Dependencies.uvLock({ groups: ['dev\nx'] }) }, /'dependencies group\/extra 0' "dev\\nx" contains a newline/],
  ['allowed import with newline', { allowUndeclaredImports: ['a\nb'] }, /'allowUndeclaredImports\[0\]' "a\\nb" contains a newline/],
  ['port 0', { port: 0 }, /^test\/Image: 'port' 0 is out of range: must be a whole number from 1 to 65535\. Fix: use the port/],
  ['port 65536', { port: 65536 }, /'port' 65536 is out of range/],
  ['port fractional', { port: 80.5 }, /'port' 80\.5 is out of range/],
  ['port token', s => ({ port: new TerraformVariable(s, 'p', { type: 'number' }).numberValue }), /'port' "<token>" is a Terraform token, but this value is needed at synth time/],
  ['entrypoint token', s => ({ entrypoint: new TerraformVariable(s, 'e', {}).stringValue }), /'entrypoint' "<token>" is a Terraform token/],
  ['environment value token', s => ({ environment: { A: new TerraformVariable(s, 'v', {}).stringValue } }), /'environment\.A' "<token>" is a Terraform token/],
  ['build arg value token', s => ({ buildArgs: { A: new TerraformVariable(s, 'b', {}).stringValue } }), /'buildArgs\.A' "<token>" is a Terraform token/],
  ['invalid environment name', { environment: { '1BAD': 'x' } }, /'environment key' "1BAD" is not a valid variable name .*Fix: rename the variable/],
  ['environment name with space', { environment: { 'A B': 'x' } }, /'environment key' "A B" is not a valid variable name/],
  ['environment name with equals', { environment: { 'A=B': 'x' } }, /'environment key' "A=B" is not a valid variable name/],
  ['invalid build arg name', { buildArgs: { 'X-Y': '1' } }, /'buildArgs key' "X-Y" is not a valid variable name/],
  ['newline in environment value', { environment: { A: 'x\nRUN rm -rf /' } }, /'environment\.A' "x\\nRUN rm -rf \/" contains a newline or NUL character, which would end the Dockerfile instruction/],
  ['carriage return in environment value', { environment: { A: 'x\rRUN id' } }, /'environment\.A' "x\\rRUN id" contains a newline or NUL/],
  ['NUL in environment value', { environment: { A: 'x\0y' } }, /'environment\.A' "x\\u0000y" contains a newline or NUL/],
  ['NUL in build arg value', { buildArgs: { A: 'x\0y' } }, /'buildArgs\.A' "x\\u0000y" contains a NUL character/],
  ['newline in base image', { baseImage: 'python:3.11-slim\nRUN id' }, /'baseImage' "python:3\.11-slim\\nRUN id" contains a newline or NUL/],
  ['invalid base image', { baseImage: 'python 3.11' }, /'baseImage' "python 3\.11" is not a valid image reference/],
  ['base image with bad digest', { baseImage: 'python:3.11-slim@sha256:abc' }, /'baseImage' "python:3\.11-slim@sha256:abc" is not a valid image reference/],
  ['base image and python version', { baseImage: 'python:3.12-slim', pythonVersion: '3.12' }, /'pythonVersion' "3\.12" cannot be combined with 'baseImage' \("python:3\.12-slim"\).*Fix: remove one of the two/],
  ['python 2', { pythonVersion: '2.7' }, /'pythonVersion' "2\.7" is not a Python 3 version/],
  ['python version with newline', { pythonVersion: '3.11\nRUN id' }, /'pythonVersion' "3\.11\\nRUN id" contains a newline/],
  ['apt package with shell', { aptPackages: ['curl; rm -rf /'] }, /'aptPackages\[0\]' "curl; rm -rf \/" is not a Debian package name/],
  ['apt package with newline', { aptPackages: ['curl\nRUN id'] }, /'aptPackages\[0\]' "curl\\nRUN id" contains a newline/],
  ['apt package option', { aptPackages: ['--allow-unauthenticated'] }, /'aptPackages\[0\]' "--allow-unauthenticated" is not a Debian package name/],
  ['exclude pattern with newline', { exclude: ['*.log\nfoo'] }, /'exclude\[0\]' "\*\.log\\nfoo" contains a newline/],
  ['symlink loop to a parent directory', {}, /'source' ".*" holds self, which is a symlink loop: a directory links back to one of its parents\. Fix: remove the link or add its path to \.dockerignore/, undefined,
    src => fs.symlinkSync('.', path.join(src, 'self'))],
  ['symlink cycle between two links', {}, /holds a, which is a symlink loop\. Fix: remove the link/, undefined,
    src => { fs.symlinkSync('b', path.join(src, 'a')); fs.symlinkSync('a', path.join(src, 'b')); }],
  ['dangling symlink', {}, /holds gone\.py, which is a symlink whose target cannot be resolved \(ENOENT\)/, undefined,
    src => fs.symlinkSync('missing.py', path.join(src, 'gone.py'))],
  ['symlink leaving the source', {}, /holds etc, which is a symlink to a path outside the source directory/, undefined,
    src => fs.symlinkSync('/etc', path.join(src, 'etc'))],
  ['exclude pattern unbalanced', { exclude: ['docs/('] }, /'exclude\[0\]' "docs\/\(" is not a valid \.dockerignore pattern\. Fix: balance brackets/],
  ['.dockerignore pattern unbalanced', {}, /'source' ".*" has a \.dockerignore line that is not a valid pattern: "\[oops"\. Fix: fix or remove that line/, { '.dockerignore': '*.log\n[oops\n' }],
  ['writable path relative', { writablePaths: ['data'] }, /'writablePaths\[0\]' "data" is not an absolute directory path/],
  ['writable path with shell', { writablePaths: ['/data && rm -rf /'] }, /'writablePaths\[0\]' "\/data && rm -rf \/" is not an absolute directory path/],
  ['writable path escaping', { writablePaths: ['/data/../etc'] }, /'writablePaths\[0\]' "\/data\/\.\.\/etc" is not an absolute directory path/],
  ['build secret name invalid', { buildSecrets: { 'pip-url': BuildSecret.fromEnvironment('X') } }, /'buildSecrets key' "pip-url" is not a valid variable name/],
  ['build secret env source invalid', { buildSecrets: { URL: BuildSecret.fromEnvironment('A B') } }, /'buildSecrets\.URL' "A B" is not a valid variable name/],
  ['build secret empty file', { buildSecrets: { URL: BuildSecret.fromFile('') } }, /'buildSecrets\.URL' "" is an empty file path/],
  ['platform without architecture', { platform: 'linux' }, /'platform' "linux" is not an OS\/architecture pair/],
  ['image name with tag', { repository: 'myteam/app:v1' }, /'repository' "myteam\/app:v1" is not a valid image repository name .*set the tag with `imageTag`/],
  ['image name uppercase', { repository: 'MyTeam/App' }, /'repository' "MyTeam\/App" is not a valid image repository name/],
  ['image tag invalid', { imageTag: '-v1' }, /'imageTag' "-v1" is not a valid image tag/],
  ['gunicorn requirement for another package', { gunicornRequirement: 'uvicorn' }, /'gunicornRequirement' "uvicorn" is not a requirement for gunicorn/],
  ['gunicorn requirement with newline', { gunicornRequirement: 'gunicorn\nevil' }, /'gunicornRequirement' "gunicorn\\nevil" contains a newline/],
  ['zero workers', { gunicorn: { workers: 0 } }, /'gunicorn\.workers' 0 is out of range: must be a whole number from 1 to 1024/],
  ['zero threads', { gunicorn: { threads: 0 } }, /'gunicorn\.threads' 0 is out of range/],
  ['threads with sync workers', { gunicorn: { workerClass: WorkerClass.SYNC, threads: 4 } }, /'gunicorn\.threads' 4 needs the gthread worker class, but workerClass is "sync"\. Fix: use WorkerClass\.GTHREAD/],
  ['negative timeout', { gunicorn: { timeout: Duration.seconds(-5) } }, /^test\/Image: 'gunicorn\.timeout' "-5s" is negative\. Fix: use a plain, non-negative amount known at synth, e\.g\. Duration\.seconds\(30\)$/],
  ['non-finite keep-alive', { gunicorn: { keepAlive: Duration.seconds(Infinity) } }, /^test\/Image: 'gunicorn\.keepAlive' "Infinitys" is not a finite amount\. Fix: use a plain, non-negative amount known at synth/],
  ['fractional timeout', { gunicorn: { timeout: Duration.millis(1500) } }, /'gunicorn\.timeout' "1500ms" must be a whole number of seconds, at least 0/],
  ['fractional graceful timeout', { gunicorn: { gracefulTimeout: Duration.millis(500) } }, /'gunicorn\.gracefulTimeout' "500ms" must be a whole number of seconds/],
  ['negative max requests', { gunicorn: { maxRequests: -1 } }, /'gunicorn\.maxRequests' -1 is out of range/],
  ['negative max requests jitter', { gunicorn: { maxRequestsJitter: -1 } }, /^test\/Image: 'gunicorn\.maxRequestsJitter' -1 is out of range: must be a whole number from 0 to 2147483647\. Fix: use 0 or a positive request count$/],
  ['environment value not a string', { environment: { A: 5 as unknown as string } }, /^test\/Image: 'environment\.A' 5 is not a string\. Fix: pass every value as a string$/],
  ['label value not a string', { labels: { team: 5 as unknown as string } }, /^test\/Image: 'labels\.team' 5 is not a string\. Fix: pass every value as a string$/],
  ['pyproject.toml that cannot be read', { dependencies: Dependencies.pyproject() }, /^test\/Image: 'dependencies' "pyproject\.toml" names a file that cannot be read \(EISDIR\) \(looked in [^)]+\)\. Fix: make pyproject\.toml a file that the synth can read$/, undefined, source => fs.mkdirSync(path.join(source, 'pyproject.toml'))],
  ['worker class with code', { gunicorn: { workerClass: WorkerClass.custom('sync"; import os; "') } }, /'gunicorn\.workerClass' "sync\\"; import os; \\"" is not a worker class name or dotted path/],
  ['forwarded ip not an address', { gunicorn: { forwardedAllowIps: ['example.com'] } }, /'gunicorn\.forwardedAllowIps\[0\]' "example\.com" is not an IP address, a CIDR or "\*"/],
];

let lastOutdir = '';
let lastApp: App;

/**
 * The library's one error shape, on one line: construct path, quoted property, value, problem, fix.
 * Exactly one error: a message never lists several.
 */
const ONE_ERROR_SHAPE = /^test\/(Image|Web): '[^'\n]+' [^\n]+\. Fix: [^\n]+$/;

/** The message of the one error `build` throws. */
function thrown(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return (e as Error).message;
  }
  throw new Error('expected an error, but the construct was built');
}

/** The message with this run's temporary paths replaced, for the snapshot that pins it whole. */
function normalize(message: string): string {
  const tmp = fs.realpathSync(os.tmpdir()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`${tmp}/[^/"'\\s)]+`, 'g'), '<tmp>');
}

/** Synthesizes what a failed construction left: the files written, the stack's resources, error annotations. */
function synthAfterFailure(app: App): { files: string[]; tf: any; errors: string[] } {
  app.synth();
  const errors = app.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === '@cdktf/error').map(m => String(m.data)));
  const files = writtenFiles(app.outdir).sort();
  const tf = JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', 'test', 'cdk.tf.json'), 'utf-8'));
  return { files, tf, errors };
}

/** Files below an outdir: a failed configuration must leave none. */
function writtenFiles(outdir: string): string[] {
  return (fs.readdirSync(outdir, { recursive: true } as any) as string[]).map(String).filter(f => fs.statSync(path.join(outdir, f)).isFile());
}

function buildImage(props: ImageCase[1], files?: Record<string, string>, prepare?: (source: string) => void) {
  const { app, stack } = newStack();
  lastOutdir = app.outdir;
  lastApp = app;
  const source = writeSource({ ...FLASK_APP, ...(files ?? {}) });
  if (files && files['requirements.txt'] === '') {
    fs.rmSync(path.join(source, 'requirements.txt'));
  }
  prepare?.(source);
  const resolved = typeof props === 'function' ? props(stack) : props;
  return new WsgiImage(stack, 'Image', { source, entrypoint: 'manager:app', ...resolved });
}

/** Synthesizes a WsgiImage over source without the power to ignore file modes; returns the error message. */
function synthAsUnprivileged(source: string): string {
  const script = [
    "require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });",
    "const { Testing, TerraformStack } = require('cdktf');",
    `const { WsgiImage } = require(${JSON.stringify(path.join(__dirname, '..', 'src'))});`,
    "const stack = new TerraformStack(Testing.app(), 'test');",
    `try { new WsgiImage(stack, 'Image', { source: ${JSON.stringify(source)}, entrypoint: 'manager:app' }); console.log('no error'); }`,
    'catch (e) { console.log(e.message); }',
  ].join('\n');
  const asRoot = process.getuid?.() === 0;
  const [cmd, args] = asRoot
    // Still root (so the checkout is readable wherever it is), minus the capabilities that bypass file modes.
    ? ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, '-e', script]]
    : [process.execPath, ['-e', script]];
  return execFileSync(cmd, args, { encoding: 'utf-8', cwd: path.join(__dirname, '..') }).trim();
}

describe('bad WsgiImage input fails at synth with one clear error', () => {
  // Rest parameters: jest reads a fourth declared parameter as a `done` callback on 3-column rows.
  test.each(IMAGE_CASES)('fails on %s', (...row: ImageCase) => {
    const [, props, message, files, prepare] = row;
    const error = thrown(() => buildImage(props, files, prepare));
    expect(error).toMatch(message);
    expect(error).toMatch(ONE_ERROR_SHAPE);
    expect(normalize(error)).toMatchSnapshot();
    expect(writtenFiles(lastOutdir)).toEqual([]);
    // Synthesizing what is left writes no context and no image: nothing half-written.
    const after = synthAfterFailure(lastApp);
    expect(after.errors).toEqual([]);
    expect(after.files).toEqual(['manifest.json', 'stacks/test/cdk.tf.json']);
    expect(after.tf.resource?.docker_image).toBeUndefined();
  });

  // Root reads everything, so these run the synth without the file-mode override capabilities when the suite is root.
  test.each([
    ['an unreadable file', (src: string) => { writeSource({ 'secret.py': 'x' }, src); fs.chmodSync(path.join(src, 'secret.py'), 0o000); },
      /'source' ".*" holds secret\.py, which cannot be read\. Fix: make the file readable or add it to \.dockerignore/],
    ['an unreadable directory', (src: string) => { writeSource({ 'private/x.py': 'x' }, src); fs.chmodSync(path.join(src, 'private'), 0o000); },
      /'source' ".*" holds private, which cannot be read \(EACCES\)\. Fix: make the directory readable or add it to \.dockerignore/],
  ])('fails on %s in the source directory', (_name, prepare, message) => {
    const source = writeSource();
    fs.chmodSync(source, 0o755);
    prepare(source);
    expect(synthAsUnprivileged(source)).toMatch(message);
  });

  test('the error is a one-line message without library stack frames', () => {
    try {
      buildImage({ port: 0 });
      throw new Error('expected an error');
    } catch (e) {
      expect((e as Error).name).toBe('WsgiConfigError');
      expect((e as Error).stack).toBe(`WsgiConfigError: ${(e as Error).message}`);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

type ContainerCase = [string, Partial<WsgiContainerProps> | ((stack: TerraformStack) => Partial<WsgiContainerProps>), RegExp];

const CONTAINER_CASES: ContainerCase[] = [
  ['host port 0', { publish: [{ hostPort: 0 }] }, /^test\/Web: 'publish\[0\]\.hostPort' 0 is out of range: must be a whole number from 1 to 65535\. Fix: use a free host port/],
  ['host port too high', { publish: [{ hostPort: 70000 }] }, /'publish\[0\]\.hostPort' 70000 is out of range/],
  ['host port token', s => ({ publish: [{ hostPort: new TerraformVariable(s, 'hp', { type: 'number' }).numberValue }] }), /'publish\[0\]\.hostPort' "<token>" is a Terraform token/],
  ['host ip not an address', { publish: [{ hostPort: 8080, hostIp: 'localhost' }] }, /'publish\[0\]\.hostIp' "localhost" is not an IP address/],
  ['protocol unknown', { publish: [{ hostPort: 8080, protocol: 'sctp' as Protocol }] }, /^test\/Web: 'publish\[0\]\.protocol' "sctp" is not a protocol\. Fix: use Protocol\.TCP or Protocol\.UDP$/],
  ['same host port twice', { publish: [{ hostPort: 8080 }, { hostPort: 8080 }] }, /'publish\[1\]' "127\.0\.0\.1:8080\/tcp" overlaps 127\.0\.0\.1:8080\/tcp published by the same container/],
  ['wildcard overlaps loopback', { publish: [{ hostPort: 8080 }, { hostPort: 8080, hostIp: '0.0.0.0' }] }, /overlaps 127\.0\.0\.1:8080\/tcp/],
  ['invalid runtime env name', { environment: { 'BAD-NAME': 'x' } }, /'environment key' "BAD-NAME" is not a valid variable name/],
  ['NUL in runtime env value', { environment: { A: 'a\0b' } }, /'environment\.A' "a\\u0000b" is not a string without NUL characters/],
  ['health path without slash', { healthCheck: HealthCheck.http('health') }, /'healthCheck\.path' "health" does not start with "\/"/],
  ['health path with newline', { healthCheck: HealthCheck.http('/x\ny') }, /'healthCheck\.path' "\/x\\ny" contains a newline/],
  ['empty health command', { healthCheck: HealthCheck.command([]) }, /'healthCheck\.command' \[\] is empty/],
  ['health interval below 1 s', { healthCheck: HealthCheck.http('/', { interval: Duration.millis(500) }) }, /'healthCheck\.interval' "500ms" is shorter than 1 second/],
  ['health start interval below 100 ms', { healthCheck: HealthCheck.command(['true'], { startInterval: Duration.millis(50) }) }, /'healthCheck\.startInterval' "50ms" is shorter than 100 milliseconds/],
  ['health retries 0', { healthCheck: HealthCheck.http('/', { retries: 0 }) }, /'healthCheck\.retries' 0 is out of range/],
  ['healthy status limit', { healthCheck: HealthCheck.http('/', { healthyBelowStatus: 100 }) }, /'healthCheck\.healthyBelowStatus' 100 is out of range/],
  ['wait without health check', { healthCheck: HealthCheck.none(), waitForHealthy: true }, /'waitForHealthy' true needs a health check, but healthCheck is HealthCheck\.none\(\)/],
  ['negative wait timeout', { waitTimeout: Duration.minutes(-1) }, /^test\/Web: 'waitTimeout' "-1min" is negative\. Fix: use a plain, non-negative amount known at synth, e\.g\. Duration\.seconds\(30\)$/],
  ['health interval NaN', { healthCheck: HealthCheck.http('/', { interval: Duration.seconds(Number.NaN) }) }, /^test\/Web: 'healthCheck\.interval' "NaNs" is not a finite amount\. Fix: use a plain, non-negative amount/],
  ['health start period negative', { healthCheck: HealthCheck.command(['true'], { startPeriod: Duration.millis(-1) }) }, /^test\/Web: 'healthCheck\.startPeriod' "-1ms" is negative\./],
  ['wait timeout fractional', { waitTimeout: Duration.millis(1500) }, /'waitTimeout' "1500ms" must be a whole number of seconds, at least 1/],
  ['memory too small', { memoryMiB: 1 }, /'memoryMiB' 1 is out of range: must be a whole number from 6/],
  ['cpus zero', { cpus: 0 }, /'cpus' 0 must be a positive number of CPUs/],
  ['tmp size zero', { tmpSizeMiB: 0 }, /'tmpSizeMiB' 0 is out of range/],
  ['container name invalid', { containerName: '-web' }, /'containerName' "-web" is not a valid container name/],
  ['release command empty', { releaseCommand: ReleaseCommand.exec([]) }, /^test\/Web: 'releaseCommand' \[\] is empty\. Fix: give the program and its arguments/],
  ['release command with newline', { releaseCommand: ReleaseCommand.exec(['python3', 'a\nb']) }, /'releaseCommand\[1\]' "a\\nb" contains a newline/],
  ['django migrate for a Flask image', { releaseCommand: ReleaseCommand.djangoMigrate() }, /'releaseCommand' "python3 -m django migrate --noinput --no-color" runs Django's migrate, but test\/Image is not a Django project \(its entrypoint is manager:app\)\. Fix: use ReleaseCommand\.exec\(\)/],
  ['name too long for its generations', { containerName: 'w'.repeat(110) }, /^test\/Web: 'containerName' "w{110}" is too long to name the app, release and reconcile containers of each deploy \(<name>-reconcile-<8 characters>\)\. Fix: use a name of at most 109 characters$/],
  ['unknown update order', { updateOrder: 'rolling' as UpdateOrder }, /^test\/Web: 'updateOrder' "rolling" is not an update order\. Fix: use UpdateOrder\.START_FIRST or UpdateOrder\.STOP_FIRST$/],
  ['network name invalid', { networks: ['bad name'] }, /^test\/Web: 'networks\[0\]' "bad name" is not a valid Docker network name or ID\. Fix: use the network's name or ID, or a docker_network resource's name attribute$/],
  ['network listed twice', { networks: ['backend', 'backend'] }, /^test\/Web: 'networks\[1\]' "backend" is already listed as networks\[0\]\. Fix: list each network once$/],
  ['volume relative container path', { volumes: [{ containerPath: 'data', volumeName: 'v' }] }, /'volumes\[0\]\.containerPath' "data" is not an absolute path/],
  ['volume with both sources', { volumes: [{ containerPath: '/data', volumeName: 'v', hostPath: '/srv' }] }, /'volumes\[0\]' .* must set exactly one of volumeName and hostPath/],
  ['volume relative host path', { volumes: [{ containerPath: '/data', hostPath: 'srv' }] }, /'volumes\[0\]\.hostPath' "srv" is not an absolute path/],
];

describe('bad WsgiContainer input fails at synth with one clear error', () => {
  test.each(CONTAINER_CASES)('fails on %s', (_name, props, message) => {
    const { app, stack } = newStack();
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
    const resolved = typeof props === 'function' ? props(stack) : props;
    const error = thrown(() => new WsgiContainer(stack, 'Web', { image, ...resolved }));
    expect(error).toMatch(message);
    expect(error).toMatch(ONE_ERROR_SHAPE);
    expect(normalize(error)).toMatchSnapshot();
    expect(writtenFiles(app.outdir)).toEqual([]);
    // Synthesizing what is left writes the image, and no container at all (not even the release one).
    const after = synthAfterFailure(app);
    expect(after.errors).toEqual([]);
    expect(Object.keys(after.tf.resource?.docker_image ?? {})).toEqual([expect.stringMatching(/^Image_/)]);
    expect(after.tf.resource?.docker_container).toBeUndefined();
    expect(after.tf.resource?.terraform_data).toBeUndefined();
  });
});

describe('nothing is half-written', () => {
  function appWithConflict(outdir: string) {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'one');
    new DockerProvider(stack, 'docker', {});
    const image = new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager:app' });
    new WsgiContainer(stack, 'A', { image, publish: [{ hostPort: 8080 }] });
    new WsgiContainer(stack, 'B', { image, publish: [{ hostPort: 8080, hostIp: '0.0.0.0' }] });
    return app;
  }

  test('fails when two containers publish the same host port, and writes no stack or context', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'conflict-'));
    expect(() => appWithConflict(outdir).synth()).toThrow(
      /one\/A: 'publish' "127\.0\.0\.1:8080\/tcp" is also published by one\/B \("0\.0\.0\.0:8080\/tcp"\), so one of the two would fail to start\. Fix: give each container and service its own host port/);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'one', 'cdk.tf.json'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'one', 'assets'))).toBe(false);
  });

  test('a constructor error leaves the outdir empty', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-'));
    expect(() => {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'one');
      new WsgiImage(stack, 'Image', { source: writeSource(), entrypoint: 'manager' });
      app.synth();
    }).toThrow('one/Image: \'entrypoint\' "manager" is not "module:callable". Fix: name the module and the WSGI callable or ASGI app, '
      + 'e.g. "manager:app", "mysite.wsgi:application", "main:app" or "app:create_app()"');
    // cdktf's App creates the empty stacks folder up front; no file may exist below it.
    expect(fs.readdirSync(outdir, { recursive: true } as any).filter((f: any) => fs.statSync(path.join(outdir, String(f))).isFile())).toEqual([]);
  });
});
