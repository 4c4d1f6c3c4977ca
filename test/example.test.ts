import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { container } from '@cdktf/provider-docker';
import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { LeavesStack, synthLeaves } from '../examples/leaves/main';

describe('examples/leaves', () => {
  test('synthesizes the seed app on port 8123 (snapshot)', () => {
    const app = Testing.app();
    const stack = new LeavesStack(app, 'leaves');
    const json = Testing.synth(stack);
    expect(json).toHaveResourceWithProperties(container.Container, {
      ports: [{ internal: 8123, external: 8123, ip: '127.0.0.1', protocol: 'tcp' }],
    });
    expect(stack.image.port).toBe(8123);
    expect(stack.image.dockerfile).toContain('EXPOSE 8123');
    expect(json).toMatchSnapshot();
    expect(stack.image.dockerfile).toMatchSnapshot('Dockerfile');
    expect(stack.image.gunicornConfig).toMatchSnapshot('gunicorn.conf.py');
  });

  test('writes no absolute path of the checkout or the outdir into any synthesized file', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaves-synth-'));
    synthLeaves(outdir);
    const repo = path.resolve(__dirname, '..');
    const files = (fs.readdirSync(outdir, { recursive: true } as any) as string[]).map(String)
      .filter(f => fs.statSync(path.join(outdir, f)).isFile());
    expect(files).toEqual(expect.arrayContaining(['manifest.json', path.join('stacks', 'leaves', 'cdk.tf.json')]));
    for (const f of files) {
      const text = fs.readFileSync(path.join(outdir, f), 'utf-8');
      const leaks = [repo, outdir].filter(p => text.includes(p));
      expect({ file: f, leaks }).toEqual({ file: f, leaks: [] });
    }
  });
});
