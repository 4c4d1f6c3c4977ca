#!/usr/bin/env bash
# Builds an offline stand-in for the official python:3.11-slim image from Debian bookworm packages,
# with a wheelhouse of Debian's Python libraries repacked as wheels. The image sets PIP_NO_INDEX and
# PIP_FIND_LINKS, so the unmodified Dockerfile that cdktf-wsgi generates installs offline.
# Idempotent: an image carrying the current recipe hash is reused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# Built under a name of its own, never one a user's real image may have; `python:3.11-slim` is
# tagged from it only where that name is missing (or is an older stand-in of ours), so a real
# python:3.11-slim on a contributor's machine is used as it is.
tag=${OFFLINE_BASE_TAG:-cdktf-wsgi-test/python-offline:3.11}
alias_tag=python:3.11-slim
# Debian packages whose Python libraries go into the wheelhouse (one repacked wheel each).
wheel_debs=(python3-flask python3-werkzeug python3-jinja2 python3-itsdangerous python3-click python3-markupsafe python3-gunicorn
  python3-django python3-asgiref python3-sqlparse python3-tz python3-whitenoise
  python3-falcon python3-bottle
  python3-pyramid python3-hupper python3-plaster python3-plaster-pastedeploy python3-pastedeploy python3-translationstring
  python3-venusian python3-webob python3-zope.deprecation python3-zope.interface
  python3-fastapi python3-starlette python3-uvicorn python3-pydantic python3-anyio python3-sniffio python3-idna
  python3-h11 python3-typing-extensions)
# Debian does not package uvicorn-worker (gunicorn's uvicorn worker from uvicorn 0.30 on): its
# pure-Python wheel comes from PyPI, checked against this hash. 0.3.0 is the newest release that
# accepts bookworm's uvicorn 0.17.6.
uvicorn_worker_wheel=uvicorn_worker-0.3.0-py3-none-any.whl
uvicorn_worker_sha256=ef0fe8aad27b0290a9e602a256b03f5a5da3a9e5f942414ca587b645ec77dd52
recipe=$(cat "$0" "$here/repack_wheels.py" | sha256sum | cut -c1-16)

tag_alias() {
  local label
  label=$(docker image inspect -f '{{ index .Config.Labels "cdktf-wsgi.offline-base" }}' "$alias_tag" 2>/dev/null) || label=missing
  if [ "$label" = missing ] || { [ -n "$label" ] && [ "$label" != "<no value>" ]; }; then
    docker tag "$tag" "$alias_tag"
    echo "tagged $alias_tag from $tag"
  else
    echo "a real $alias_tag is present: left as it is"
  fi
}

if [ "$(docker image inspect -f '{{ index .Config.Labels "cdktf-wsgi.offline-base" }}' "$tag" 2>/dev/null)" = "$recipe" ]; then
  echo "offline base $tag is current ($recipe)"
  tag_alias
  exit 0
fi

work=$(mktemp -d /var/tmp/cdktf-wsgi-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "building offline base $tag ($recipe) in $work"

mkdir -p "$work/debs" "$work/extracted" "$work/rootfs"
# A fresh machine may have empty or stale package lists: refresh once and retry.
(cd "$work/debs" && { apt-get download "${wheel_debs[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download "${wheel_debs[@]}" >/dev/null; }; })
for deb in "$work"/debs/*.deb; do
  name=$(basename "$deb" .deb)
  dpkg-deb -x "$deb" "$work/extracted/$name"
done
python3 "$here/repack_wheels.py" "$work/extracted" "$work/wheels"
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work/wheels" "uvicorn-worker==0.3.0"
echo "$uvicorn_worker_sha256  $work/wheels/$uvicorn_worker_wheel" | sha256sum -c --quiet

# Deliberately minimal, closer to a hand-made stand-in than to the official image: Debian's
# externally-managed python3 with pip, no `python` alias, no useradd. The generated Dockerfile must
# build on it unmodified.
# tzdata: Debian's pytz (repacked above) reads the system zoneinfo, where PyPI's wheel bundles its own.
mmdebstrap --quiet --variant=apt \
  --include=python3,python3-pip,python3-setuptools,ca-certificates,tzdata \
  bookworm "$work/rootfs"
rm -rf "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/var/cache/apt/*.bin
mkdir -p "$work/rootfs/wheels"
cp "$work"/wheels/*.whl "$work/rootfs/wheels/"

tar -C "$work/rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV PIP_NO_INDEX=1' \
  --change 'ENV PIP_FIND_LINKS=/wheels' \
  --change "LABEL cdktf-wsgi.offline-base=$recipe" \
  --change 'CMD ["python3"]' \
  - "$tag" >/dev/null
echo "offline base $tag ready"
tag_alias
