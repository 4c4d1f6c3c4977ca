#!/usr/bin/env bash
# Installs cdktf-wsgi as a user would, from the packed tarball into a scratch TypeScript project
# outside the repository (with its own constructs, cdktf, provider and cdktf-cli from npm), checks
# the tarball's file list, type-checks the stack with real `tsc` (not transpile-only) and
# synthesizes it with the cdktf CLI. Compiles first, so the package is built from the current source
# (unless CDKTF_WSGI_PACKAGES_BUILT says the tarball in dist/js was built from it already).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CHECKPOINT_DISABLE=1

echo "== tarball"
if [ -z "${CDKTF_WSGI_PACKAGES_BUILT:-}" ]; then
  npx projen compile >/dev/null 2>&1
  rm -rf dist/js
  npx projen package:js >/dev/null 2>&1
fi
tarball=$(ls "$root"/dist/js/cdktf-wsgi@*.tgz)
echo "$tarball"
# Everything a user needs and nothing else: the compiled library, its jsii assembly, the bundled
# dependencies, the docs, and the provider-mirror script.
files=$(tar -tzf "$tarball" | sed 's#^package/##')
unexpected=$(echo "$files" | grep -Ev '^(package\.json|README\.md|API\.md|LICENSE|\.jsii|lib/.*\.(js|d\.ts)|node_modules/(smol-toml|shell-quote|@balena/dockerignore)/.*|scripts/terraform-offline\.sh)$' || true)
if [ -n "$unexpected" ]; then
  echo "unexpected files in the tarball:"; echo "$unexpected"; exit 1
fi
for f in package.json README.md LICENSE .jsii lib/index.js lib/index.d.ts scripts/terraform-offline.sh; do
  grep -qx "$f" <<< "$files" || { echo "missing from the tarball: $f"; exit 1; }
done
echo "file list: $(echo "$files" | wc -l) files, as expected"

echo "== a TypeScript project outside the repository"
work=$(mktemp -d /tmp/cdktf-wsgi-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r examples/leaves/app "$work/app"
cd "$work"
cat > package.json <<'JSON'
{ "name": "consumer", "version": "1.0.0", "private": true }
JSON
npm install --no-audit --no-fund --loglevel=error "$tarball" \
  cdktf@0.21.0 constructs@10.4.2 @cdktf/provider-docker@12.0.3 \
  cdktf-cli@0.21.0 typescript@5.8.3 @types/node@20 >/dev/null
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2020", "module": "commonjs", "strict": true, "esModuleInterop": true,
    "skipLibCheck": false, "outDir": "out", "rootDir": "."
  },
  "include": ["main.ts"]
}
JSON
cat > main.ts <<'TS'
import * as path from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { HealthCheck, WsgiContainer, WsgiImage } from 'cdktf-wsgi';

const app = new App();
const stack = new TerraformStack(app, 'consumer');
new LocalBackend(stack, { path: '../../../terraform.consumer.tfstate' });
new DockerProvider(stack, 'docker', {});
const image = new WsgiImage(stack, 'Image', { source: path.join(__dirname, '..', 'app'), entrypoint: 'manager:app', port: 8123 });
new WsgiContainer(stack, 'Web', { image, publish: [{ hostPort: 8127 }], healthCheck: HealthCheck.http('/api/leaves') });
app.synth();
TS
cat > cdktf.json <<'JSON'
{ "language": "typescript", "app": "node out/main.js", "output": "cdktf.out", "projectId": "consumer", "sendCrashReports": "false" }
JSON
npx tsc -p tsconfig.json
echo "tsc: the stack type-checks against the installed package"
npx cdktf synth >/dev/null
test -f cdktf.out/stacks/consumer/cdk.tf.json
dockerfile=$(ls cdktf.out/stacks/consumer/assets/Image/*/Dockerfile)
grep -q '^ENTRYPOINT \["python3", "-m", "gunicorn"' "$dockerfile"
echo "cdktf synth: $dockerfile"
