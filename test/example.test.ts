import { Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest';
import { LeavesStack } from '../examples/leaves/main';

describe('examples/leaves', () => {
  test('synthesizes the seed app on port 8123 (snapshot)', () => {
    const app = Testing.app();
    const stack = new LeavesStack(app, 'leaves');
    const json = Testing.synth(stack);
    expect(json).toHaveResourceWithProperties({ tfResourceType: 'docker_container' } as any, {
      ports: [{ internal: 8123, external: 8123, ip: '127.0.0.1', protocol: 'tcp' }],
    });
    expect(stack.image.port).toBe(8123);
    expect(stack.image.dockerfile).toContain('EXPOSE 8123');
    expect(json).toMatchSnapshot();
    expect(stack.image.dockerfile).toMatchSnapshot('Dockerfile');
    expect(stack.image.gunicornConfig).toMatchSnapshot('gunicorn.conf.py');
  });
});
