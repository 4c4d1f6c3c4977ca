import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import ignore from '@balena/dockerignore';
import { ContextFile } from '../core/context-file';
import { LocatedError } from '../core/validation';

/**
 * Paths never sent to the image, whatever `.dockerignore` says: version control, virtualenvs,
 * caches, secrets in `.env` files and cdktf's own output. Applied after the user's patterns, so a
 * `!` re-include cannot bring them back.
 */
export const BUILT_IN_EXCLUDES = [
  '.git', '.hg', '.svn',
  '.venv', '**/.venv',
  '**/__pycache__', '**/*.pyc', '**/*.pyo',
  '**/node_modules',
  'cdktf.out', '**/cdktf.out',
  '**/.env', '**/.env.*',
  '**/.pytest_cache', '**/.mypy_cache', '**/.tox',
  '**/.DS_Store',
  '.dockerignore',
];


/** Reads `.dockerignore` patterns the way Docker does: `#` lines are comments, blank lines skipped. */
export function readDockerignore(sourceDir: string): string[] {
  const file = path.join(sourceDir, '.dockerignore');
  if (!fs.existsSync(file)) {
    return [];
  }
  return fs.readFileSync(file, 'utf-8')
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line.length > 0 && !line.startsWith('#'));
}

/**
 * Returns the first pattern Docker's matcher cannot compile (an unbalanced bracket or parenthesis),
 * which `docker build` would reject too.
 */
export function findInvalidPattern(patterns: string[]): string | undefined {
  return patterns.find(pattern => {
    try {
      ignore().add(pattern).ignores('probe/file');
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Selects the files of the build context in sorted order.
 *
 * Ignored directories are pruned without being read, unless a `!` pattern could re-include
 * something below them (Docker's rule). Symlinks are followed only inside the source directory;
 * a link that leaves it, or loops, is an error rather than a silent copy of unrelated files.
 */
export function selectContextFiles(sourceDir: string, userPatterns: string[]): ContextFile[] {
  const root = fs.realpathSync.native(sourceDir);
  const userMatcher = ignore().add(userPatterns);
  const builtIn = ignore().add(BUILT_IN_EXCLUDES);
  const negations = userPatterns.filter(p => p.startsWith('!')).map(p => p.slice(1).replace(/^\/+/, ''));
  const selected: ContextFile[] = [];
  const activeDirs = new Set<string>();

  const isIgnored = (rel: string) => userMatcher.ignores(rel);
  const mayReinclude = (relDir: string) => negations.some(n => n.startsWith(`${relDir}/`) || /[*?[]/.test(n.split('/')[0]));

  const walk = (absDir: string, relDir: string) => {
    const real = fs.realpathSync.native(absDir);
    if (activeDirs.has(real)) {
      throw new LocatedError(relDir, 'is a symlink loop: a directory links back to one of its parents',
        'remove the link or add its path to .dockerignore');
    }
    activeDirs.add(real);
    for (const name of readDirectory(absDir, relDir)) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = path.join(absDir, name);
      let stat = fs.lstatSync(abs);
      let target = abs;
      if (stat.isSymbolicLink()) {
        if (builtIn.ignores(rel) || (isIgnored(rel) && !mayReinclude(rel))) {
          continue;
        }
        target = linkTarget(root, abs, rel);
        stat = fs.statSync(target);
      }
      if (stat.isDirectory()) {
        if (builtIn.ignores(rel) || isVirtualenv(target)) {
          continue;
        }
        if (isIgnored(rel) && !mayReinclude(rel)) {
          continue;
        }
        walk(target, rel);
      } else if (stat.isFile()) {
        if (builtIn.ignores(rel) || isIgnored(rel)) {
          continue;
        }
        try {
          fs.accessSync(target, fs.constants.R_OK);
        } catch {
          throw new LocatedError(rel, 'cannot be read', 'make the file readable or add it to .dockerignore');
        }
        // Any of the three execute bits; COPY keeps the mode, so it belongs in the fingerprint.
        // eslint-disable-next-line no-bitwise
        selected.push({ relativePath: rel, absolutePath: target, executable: (stat.mode & 0o111) !== 0 });
      }
      // Sockets, FIFOs and devices never belong in an image; Docker skips them too.
    }
    activeDirs.delete(real);
  };

  walk(root, '');
  return selected;
}

/** A directory's entries in code-point order, or an error naming it. */
function readDirectory(absDir: string, relDir: string): string[] {
  try {
    return fs.readdirSync(absDir).sort(byCodePoint);
  } catch (e) {
    throw new LocatedError(relDir || '.', `cannot be read (${(e as NodeJS.ErrnoException).code})`,
      'make the directory readable or add it to .dockerignore');
  }
}

/** Where a symlink in the source leads: a real path inside `root`, or an error naming the link. */
function linkTarget(root: string, abs: string, rel: string): string {
  let target: string;
  try {
    target = fs.realpathSync.native(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LocatedError(rel, code === 'ELOOP' ? 'is a symlink loop' : `is a symlink whose target cannot be resolved (${code})`,
      'remove the link or add its path to .dockerignore');
  }
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new LocatedError(rel, 'is a symlink to a path outside the source directory, which the image build cannot see',
      'copy the target into the source directory, or add the link to .dockerignore');
  }
  return target;
}

/** A directory holding a virtualenv, whatever its name. */
function isVirtualenv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

/** Sorts by code point, independent of locale, so every machine walks in the same order. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A file the library writes into the context (Dockerfile, gunicorn config, requirements). */
export interface GeneratedFile {
  readonly relativePath: string;
  readonly content: string;
}

/**
 * Context files read once and kept (up to a bound): the app scan, the fingerprint and staging all
 * use the same bytes. Staging writes exactly what was hashed, which is also several times faster
 * than copying file by file, and a file edited between the steps cannot slip into the context.
 */
export class ContentCache {
  private static readonly LIMIT_BYTES = 32 * 1024 * 1024;
  private readonly contents = new Map<string, Buffer>();
  private bytes = 0;

  public offer(absolutePath: string, content: Buffer): void {
    if (this.bytes + content.length <= ContentCache.LIMIT_BYTES) {
      this.contents.set(absolutePath, content);
      this.bytes += content.length;
    }
  }

  public get(absolutePath: string): Buffer | undefined {
    return this.contents.get(absolutePath);
  }

  /** The file's bytes, from memory when already read. */
  public read(absolutePath: string): Buffer {
    const cached = this.contents.get(absolutePath);
    if (cached !== undefined) {
      return cached;
    }
    const content = fs.readFileSync(absolutePath);
    this.offer(absolutePath, content);
    return content;
  }
}

/**
 * SHA-256 over delimited fields, so no two different inputs can concatenate to the same stream:
 * the format salt, the build options, every generated file, then every source file's relative
 * path, mode and content. Absolute paths, timestamps and the walk's order on disk never enter it.
 */
export function fingerprint(
  options: Record<string, unknown>, generated: readonly GeneratedFile[], files: readonly ContextFile[], sourcePrefix: string, cache?: ContentCache,
): string {
  const hash = crypto.createHash('sha256');
  const field = (name: string, value: string | Buffer) => {
    hash.update(`\x01${name}\x02`);
    hash.update(value);
    hash.update('\x03');
  };
  field('salt', 'cdktf-wsgi/context/v1');
  field('options', stableJson(options));
  for (const file of [...generated].sort((a, b) => byCodePoint(a.relativePath, b.relativePath))) {
    field(`generated:${file.relativePath}`, file.content);
  }
  for (const file of files) {
    const content = cache ? cache.read(file.absolutePath) : fs.readFileSync(file.absolutePath);
    field(`file:${sourcePrefix}${file.relativePath}:${file.executable ? 'x' : '-'}`, content);
  }
  return hash.digest('hex');
}

/** JSON with sorted keys at every level. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort(byCodePoint).map(k => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/**
 * Writes the context: generated files plus the selected source files under `sourcePrefix`.
 * Writes into a temporary sibling and renames it into place, so an interrupted synth never leaves
 * a half-written context under the final name.
 */
export function writeContext(
  targetDir: string, generated: readonly GeneratedFile[], files: readonly ContextFile[], sourcePrefix: string, cache?: ContentCache,
): void {
  const parent = path.dirname(targetDir);
  fs.mkdirSync(parent, { recursive: true });
  const temp = fs.mkdtempSync(path.join(parent, '.staging-'));
  try {
    for (const file of generated) {
      const dest = path.join(temp, file.relativePath);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, file.content, { mode: 0o644 });
    }
    // Files come sorted, so siblings share a directory: create each one once.
    const made = new Set<string>();
    for (const file of files) {
      const dest = path.join(temp, sourcePrefix, file.relativePath);
      const dir = path.dirname(dest);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const mode = file.executable ? 0o755 : 0o644;
      const content = cache?.get(file.absolutePath);
      if (content !== undefined) {
        fs.writeFileSync(dest, content, { mode });
      } else {
        fs.copyFileSync(file.absolutePath, dest, fs.constants.COPYFILE_FICLONE);
      }
      // The umask may have narrowed the mode at creation; the context's modes are part of the image.
      fs.chmodSync(dest, mode);
    }
    if (fs.existsSync(targetDir)) {
      fs.rmSync(targetDir, { recursive: true, force: true });
    }
    fs.renameSync(temp, targetDir);
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}
