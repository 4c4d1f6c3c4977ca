/** Generated benchmark fixtures: nothing here is committed, everything is rebuilt by the scripts. */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Deterministic pseudo-random bytes, so every run measures the same tree. */
function bytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = crypto.createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i, 0, Math.min(block.length, size - i));
    block = crypto.createHash('sha256').update(block).digest();
  }
  return out;
}

function write(file: string, content: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/**
 * A WSGI app of `appFiles` Python files (~10 KB each) beside ignored bulk: `.git` objects, a
 * `.venv`, `node_modules` and `__pycache__`, about `ignoredMiB` in all.
 */
export function bigRepo(root: string, appFiles: number, ignoredMiB: number): { root: string; appBytes: number } {
  if (fs.existsSync(path.join(root, '.complete'))) {
    return JSON.parse(fs.readFileSync(path.join(root, '.complete'), 'utf-8'));
  }
  fs.rmSync(root, { recursive: true, force: true });
  let appBytes = 0;
  write(path.join(root, 'manager.py'), 'from app import app\n');
  write(path.join(root, 'app', '__init__.py'), 'from flask import Flask\napp = Flask(__name__)\n');
  write(path.join(root, 'requirements.txt'), 'Flask\ngunicorn\n');
  for (let i = 0; i < appFiles; i++) {
    const content = `# module ${i}\n` + bytes(`app${i}`, 7500).toString('base64');
    appBytes += content.length;
    write(path.join(root, 'app', `pkg${i % 20}`, `mod${i}.py`), content);
  }
  // Ignored bulk: many small files (the expensive case for a walker) plus a few large ones.
  const ignored: Array<[string, number]> = [['.git/objects', 0.4], ['.venv/lib/python3.11/site-packages', 0.3], ['node_modules', 0.2], ['app/__pycache__', 0.1]];
  for (const [dir, share] of ignored) {
    const total = ignoredMiB * 1024 * 1024 * share;
    const small = 4096;
    const smallCount = Math.floor((total * 0.3) / small);
    for (let i = 0; i < smallCount; i++) {
      write(path.join(root, dir, `d${i % 256}`, `f${i}`), bytes(`${dir}${i}`, small));
    }
    const largeCount = Math.max(1, Math.floor((total * 0.7) / (8 * 1024 * 1024)));
    for (let i = 0; i < largeCount; i++) {
      write(path.join(root, dir, `large${i}.bin`), bytes(`${dir}large${i}`, Math.floor((total * 0.7) / largeCount)));
    }
  }
  write(path.join(root, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
  const info = { root, appBytes };
  fs.writeFileSync(path.join(root, '.complete'), JSON.stringify(info));
  return info;
}
