"""Repack Debian's Python packages (extracted .deb trees) into wheels for an offline index.

Debian keeps only the extras in an egg-info requires.txt and strips the core dependencies, so
pip would install Flask without Werkzeug. CORE_REQUIRES restores them from the upstream metadata
of the versions bookworm ships.

usage: repack_wheels.py <extracted-deb-root> <wheel-dir>
"""
import base64
import hashlib
import pathlib
import re
import sys
import zipfile

CORE_REQUIRES = {
    "flask": ["Werkzeug>=2.2.2", "Jinja2>=3.0", "itsdangerous>=2.0", "click>=8.0"],
    "werkzeug": ["MarkupSafe>=2.1.1"],
    "jinja2": ["MarkupSafe>=2.0"],
    "gunicorn": ["setuptools>=3.0"],
    "django": ["asgiref>=3.3.2,<4", "pytz", "sqlparse>=0.2.2"],
    "pyramid": ["hupper>=1.5", "plaster", "plaster-pastedeploy", "setuptools", "translationstring>=0.4",
                "venusian>=1.0", "WebOb>=1.8.3", "zope.deprecation>=3.5.0", "zope.interface>=3.8.0"],
    "plaster-pastedeploy": ["PasteDeploy>=2.0", "plaster>=0.5"],
    # Bookworm's FastAPI 0.92 runs on its Starlette 0.26 (upstream pins <0.26): the stand-in
    # states the range Debian ships together.
    "fastapi": ["starlette>=0.25.0", "pydantic>=1.6.2,<2.0"],
    "starlette": ["anyio>=3.4.0,<5"],
    "uvicorn": ["asgiref>=3.4.0", "click>=7.0", "h11>=0.8"],
    "anyio": ["idna>=2.8", "sniffio>=1.1"],
    "pydantic": ["typing-extensions>=4.2.0"],
}

# A fixed timestamp keeps the wheels (and so the base image) byte-stable between builds.
EPOCH = (1980, 1, 1, 0, 0, 0)


def read_metadata(info_dir: pathlib.Path) -> dict:
    meta_file = info_dir / ("PKG-INFO" if info_dir.suffix == ".egg-info" else "METADATA")
    fields = {}
    for line in meta_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            break
        m = re.match(r"^([A-Za-z-]+): (.*)$", line)
        if m and m.group(1) not in fields:
            fields[m.group(1)] = m.group(2)
    return fields


def record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def repack(site: pathlib.Path, info_dir: pathlib.Path, out_dir: pathlib.Path) -> pathlib.Path:
    meta = read_metadata(info_dir)
    name, version = meta["Name"], meta["Version"]
    key = re.sub(r"[-_.]+", "-", name).lower()
    dist = re.sub(r"[-_.]+", "_", name)
    dist_info = f"{dist}-{version}.dist-info"
    files = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        # Debian's *-nspkg.pth namespace shims are left out: Python 3 imports zope.* without them.
        if path.is_dir() or rel.parts[0].endswith((".egg-info", ".dist-info", ".pth")) or "__pycache__" in rel.parts:
            continue
        if not path.exists():
            # Debian swaps bundled assets for links into other packages (werkzeug's jquery.js).
            continue
        files[rel.as_posix()] = path.read_bytes()
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {meta.get('Summary', '')} (repacked from Debian)",
    ]
    metadata += [f"Requires-Dist: {req}" for req in CORE_REQUIRES.get(key, [])]
    files[f"{dist_info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: cdktf-wsgi-repack\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entry_points = info_dir / "entry_points.txt"
    if entry_points.exists():
        files[f"{dist_info}/entry_points.txt"] = entry_points.read_bytes()
    record = [record_line(arc, data) for arc, data in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = out_dir / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, data in files.items():
            info = zipfile.ZipInfo(arc, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return wheel


def main() -> None:
    root, out_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    for pkg_root in sorted(p for p in root.iterdir() if p.is_dir()):
        site = pkg_root / "usr/lib/python3/dist-packages"
        infos = sorted(site.glob("*.egg-info")) + sorted(site.glob("*.dist-info")) if site.exists() else []
        if len(infos) != 1:
            sys.exit(f"{pkg_root.name}: expected one egg-info or dist-info directory, found {len(infos)}")
        print(repack(site, infos[0], out_dir).name)


if __name__ == "__main__":
    main()
