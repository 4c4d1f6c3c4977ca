#!/usr/bin/env bash
# Prints the path of @cdktn/provider-docker's npm tarball (CDK Terrain's kreuzwerker/docker 4.6.0
# bindings), which the cdktn flavour is built and tested against. npm does not serve that package
# here, but PyPI's cdktn-provider-docker wheel carries the very same tarball (jsii ships each
# Python binding with its JavaScript package inside): the wheel is downloaded once, checked
# against its sha256, and the tarball taken out of it into the cache.
#
# Usage: scripts/cdktn-provider-docker.sh   (cache: ~/.cache/cdktf-wsgi/cdktn, or CDKTF_WSGI_CDKTN_CACHE)
set -euo pipefail
VERSION=16.1.0
WHEEL=cdktn_provider_docker-$VERSION-py3-none-any.whl
WHEEL_SHA256=a99cc4ad745a5c1293113bdd961a7ed8eac6d5838463149b9c7fd65997090088
MEMBER=cdktn_provider_docker/_jsii/provider-docker@$VERSION.jsii.tgz
cache="${CDKTF_WSGI_CDKTN_CACHE:-$HOME/.cache/cdktf-wsgi/cdktn}"
tarball="$cache/provider-docker@$VERSION.jsii.tgz"
if [ ! -s "$tarball" ]; then
  mkdir -p "$cache"
  download=$(mktemp -d)
  trap 'rm -rf "$download"' EXIT
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: -d "$download" "cdktn-provider-docker==$VERSION" >&2
  echo "$WHEEL_SHA256  $download/$WHEEL" | sha256sum -c --quiet - >&2 || { echo "cdktn-provider-docker $VERSION: the wheel's sha256 is not the expected one" >&2; exit 1; }
  python3 - "$download/$WHEEL" "$MEMBER" "$tarball.tmp" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as member, open(sys.argv[3], 'wb') as out:
    shutil.copyfileobj(member, out)
PY
  mv "$tarball.tmp" "$tarball"
fi
echo "$tarball"
