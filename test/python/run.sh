#!/usr/bin/env bash
# The Python side, end to end: builds the wheel (jsii-pacmak), installs it with the example's pinned
# requirements into a fresh venv, synthesizes examples/python with the cdktf CLI, checks that its
# staged context (Dockerfile, gunicorn.conf.py, fingerprint) equals the TypeScript leaves example's,
# runs the pytest suite, and, where the real toolchain and a Docker daemon are there, deploys the
# Python example, calls it, checks that a diff plans nothing, and destroys it.
# Compiles first, so the package is built from the current source (unless CDKTF_WSGI_PACKAGES_BUILT
# says the wheel in dist/python was built from it already).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CHECKPOINT_DISABLE=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

if [ -n "${CDKTF_WSGI_PACKAGES_BUILT:-}" ]; then
  echo "== wheel, as .ci/run's package stage built it (CDKTF_WSGI_PACKAGES_BUILT)"
else
  echo "== wheel (jsii-pacmak)"
  npx projen compile >/dev/null 2>&1
  rm -rf dist/python
  npx projen package:python >/dev/null
fi
wheel=$(ls dist/python/cdktf_wsgi-*.whl)
echo "$wheel"

venv=${CDKTF_WSGI_PY_VENV:-${TMPDIR:-/tmp}/cdktf-wsgi-pyvenv}
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r examples/python/requirements.txt "$wheel" pytest==8.3.5
export PATH="$venv/bin:$PATH"
cdktf="$root/node_modules/.bin/cdktf"

echo "== synth: examples/python, and the TypeScript examples to compare with"
(cd examples/python && rm -rf cdktf.out && "$cdktf" synth >/dev/null)
ts_out=$(mktemp -d /tmp/cdktf-wsgi-ts-out.XXXXXX)
"$cdktf" synth --output "$ts_out" >/dev/null
py_ctx=examples/python/cdktf.out/stacks/leaves-py/assets/Image
ts_ctx=$ts_out/stacks/leaves/assets/Image
ls "$py_ctx" "$ts_ctx"
diff -r "$py_ctx" "$ts_ctx"
echo "the Python example's staged context (Dockerfile, gunicorn.conf.py, fingerprint $(ls "$py_ctx")) equals the TypeScript example's"
rm -rf "$ts_out"

echo "== pytest"
mkdir -p test-reports
pytest -q test/python --junitxml=test-reports/pytest.xml

if ! docker info >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then echo "== deploy of examples/python: FAILED: CI=true but no Docker daemon answers"; exit 1; fi
  echo "== deploy of examples/python: skipped (no Docker daemon)"
  exit 0
fi
source test/example-leftovers.sh
cd examples/python
# One deploy per provider line asked for (.ci/run passes every line the mirror holds).
for version in ${DOCKER_PROVIDER_VERSIONS:-${DOCKER_PROVIDER_VERSION:-4.6.0}}; do
  export DOCKER_PROVIDER_VERSION=$version
  (cd "$root" && source test/toolchain.sh "== deploy of examples/python with kreuzwerker/docker $version" && echo "export TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE") > /tmp/cdktf-wsgi-py-toolchain.sh
  grep -q '^export TF_CLI_CONFIG_FILE=' /tmp/cdktf-wsgi-py-toolchain.sh || { cat /tmp/cdktf-wsgi-py-toolchain.sh; [ -z "${CI:-}" ] || exit 1; continue; }
  eval "$(grep '^export TF_CLI_CONFIG_FILE=' /tmp/cdktf-wsgi-py-toolchain.sh)"
  echo "== deploy of examples/python with the real toolchain (kreuzwerker/docker $version)"
  rm -rf cdktf.out terraform.leaves-py.tfstate terraform.leaves-py.tfstate.backup
  remove_example_leftovers leaves-py-web
  "$cdktf" synth >/dev/null
  grep -qF "\"version\": \"$version\"" cdktf.out/stacks/leaves-py/cdk.tf.json || { echo "the synthesized stack does not pin kreuzwerker/docker $version"; exit 1; }
  destroy() { "$cdktf" destroy leaves-py --auto-approve --skip-provider-lock --skip-synth >/dev/null 2>&1 || true; }
  trap destroy EXIT
  "$cdktf" deploy leaves-py --auto-approve --skip-provider-lock --skip-synth > /tmp/cdktf-wsgi-py-deploy.log 2>&1 || { cat /tmp/cdktf-wsgi-py-deploy.log; exit 1; }
  answer=$(curl -s --max-time 10 http://127.0.0.1:8126/api/leaves)
  [ "$answer" = "This tree has leaves" ] || { echo "unexpected answer: $answer"; exit 1; }
  echo "GET /api/leaves: $answer"
  "$cdktf" diff leaves-py --skip-provider-lock --skip-synth --no-color > /tmp/cdktf-wsgi-py-diff.log 2>&1
  grep -q "No changes. Your infrastructure matches the configuration." /tmp/cdktf-wsgi-py-diff.log || { cat /tmp/cdktf-wsgi-py-diff.log; exit 1; }
  echo "cdktf diff: no changes"
  trap - EXIT
  "$cdktf" destroy leaves-py --auto-approve --skip-provider-lock --skip-synth >/dev/null
  echo "destroyed"
done
