/** Probes of running containers: HTTP on loopback only, and commands run inside. */
import * as fs from 'fs';
import * as http from 'http';
import { docker } from './deployer';

/** One HTTP request on loopback only, with an empty body; resolves with status and body. */
function request(method: 'GET' | 'POST', port: number, urlPath: string, agent?: false): Promise<{ status: number; body: string }> {
  return new Promise((ok, ko) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent, timeout: 10_000, headers: { 'Content-Length': 0 } }, res => {
      let body = '';
      res.setEncoding('utf-8');
      res.on('data', c => { body += c; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', ko);
    req.end();
  });
}

/**
 * The docker CLI for a BuildKit build: Debian's (20.10) has BuildKit built in, where a newer CLI
 * first on PATH may need the buildx plugin.
 */
export const DOCKER_CLI = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

export const get = (port: number, urlPath: string) => request('GET', port, urlPath);
/**
 * A GET on a connection of its own (Node's global agent keeps connections alive): where two
 * generations listen on the port (reuse_port), each new connection may reach either.
 */
export const getOnNewConnection = (port: number, urlPath: string) => request('GET', port, urlPath, false);
export const post = (port: number, urlPath: string) => request('POST', port, urlPath);

export async function execIn(containerId: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((ok, ko) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => ok());
    stream.on('error', ko);
  });
  const buf = Buffer.concat(chunks);
  const out: string[] = [];
  for (let i = 0; i + 8 <= buf.length;) {
    const size = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + size).toString());
    i += 8 + size;
  }
  return out.join('');
}

export { waitFor, within } from './wait';
