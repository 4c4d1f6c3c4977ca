/**
 * What the engine suites create carries one label, and cleanup goes by that label alone. No jest
 * globals here: the global teardown imports this module outside any test file.
 */
import { execFileSync } from 'child_process';

/** The label every image and container the engine suites create carries: cleanup goes by it alone. */
export const TEST_LABEL = 'cdktf-wsgi.test';
export const TEST_LABELS: { [key: string]: string } = { [TEST_LABEL]: 'engine' };

function dockerLines(args: string[]): string[] {
  return execFileSync('docker', args, { encoding: 'utf-8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').map(l => l.trim()).filter(l => l.length > 0);
}

/**
 * Removes the containers, images, volumes and networks that carry the engine suites' label, and nothing else: a
 * user's own containers and images, whatever their names, are never touched. Images still used by
 * a container that is not ours stay.
 */
export function removeLabelled(): { containers: number; images: number; volumes: number; networks: number } {
  const filter = `label=${TEST_LABEL}`;
  const containers = removeLabelledContainers();
  // Dangling ones too: a rebuilt image leaves its predecessor untagged, still labelled.
  const images = [...new Set(dockerLines(['images', '-q', '--no-trunc', '--filter', filter]))];
  let removed = 0;
  for (const id of images) {
    try {
      execFileSync('docker', ['rmi', '-f', id], { stdio: 'ignore', timeout: 60_000 });
      removed++;
    } catch {
      // still in use by a container of someone else's, or already gone with a parent
    }
  }
  let volumes = 0;
  for (const name of dockerLines(['volume', 'ls', '-q', '--filter', filter])) {
    try {
      execFileSync('docker', ['volume', 'rm', '-f', name], { stdio: 'ignore', timeout: 60_000 });
      volumes++;
    } catch {
      // still mounted by a container that is not ours
    }
  }
  // Networks last: a network goes once no container is attached to it.
  let networks = 0;
  for (const id of dockerLines(['network', 'ls', '-q', '--filter', filter])) {
    try {
      execFileSync('docker', ['network', 'rm', id], { stdio: 'ignore', timeout: 60_000 });
      networks++;
    } catch {
      // still in use by a container that is not ours
    }
  }
  return { containers, images: removed, volumes, networks };
}

/** Lines of a docker command's output; none when the command fails (Swarm commands off Swarm). */
function dockerLinesOrNone(args: string[]): string[] {
  try {
    return dockerLines(args);
  } catch {
    return [];
  }
}

/**
 * Removes the labelled containers (leftovers of an interrupted run), Swarm services first, whose
 * tasks would otherwise come back; returns how many containers there were.
 */
export function removeLabelledContainers(): number {
  const services = dockerLinesOrNone(['service', 'ls', '-q', '--filter', `label=${TEST_LABEL}`]);
  if (services.length > 0) {
    execFileSync('docker', ['service', 'rm', ...services], { stdio: 'ignore', timeout: 120_000 });
    // Task containers go asynchronously once their service is removed.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && dockerLines(['ps', '-aq', '--filter', `label=${TEST_LABEL}`, '--filter', 'label=com.docker.swarm.service.id']).length > 0) {
      execFileSync('sleep', ['0.5']);
    }
  }
  for (const secret of dockerLinesOrNone(['secret', 'ls', '-q', '--filter', `label=${TEST_LABEL}`])) {
    dockerLinesOrNone(['secret', 'rm', secret]);
  }
  const containers = dockerLines(['ps', '-aq', '--filter', `label=${TEST_LABEL}`]);
  if (containers.length > 0) {
    execFileSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore', timeout: 120_000 });
  }
  return containers.length;
}

/** The labels of a named volume or network; undefined when there is none of that name. */
function objectLabels(kind: 'volume' | 'network', name: string): { [key: string]: string } | null | undefined {
  try {
    return JSON.parse(execFileSync('docker', [kind, 'inspect', '--format', '{{json .Labels}}', name], { encoding: 'utf-8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] })) ?? {};
  } catch {
    return undefined;
  }
}

/**
 * Removes a named volume or network the suites created (it carries the label); absent is fine. One
 * of that name without the label is someone else's: the suite stops rather than touch it.
 */
function removeTestObject(kind: 'volume' | 'network', name: string): void {
  const labels = objectLabels(kind, name);
  if (labels === undefined) {
    return;
  }
  if (labels?.[TEST_LABEL] === undefined) {
    throw new Error(`a Docker ${kind} named ${name} exists without the ${TEST_LABEL} label, so it is not the tests': remove or rename it to run this suite`);
  }
  execFileSync('docker', kind === 'volume' ? ['volume', 'rm', '-f', name] : ['network', 'rm', name], { stdio: 'ignore', timeout: 60_000 });
}

export const removeTestVolume = (name: string) => removeTestObject('volume', name);
export const removeTestNetwork = (name: string) => removeTestObject('network', name);

/** A fresh, labelled volume or network, made outside Terraform as a user's would be; `options` go to `create`. */
function resetTestObject(kind: 'volume' | 'network', name: string, options: string[] = []): void {
  removeTestObject(kind, name);
  execFileSync('docker', [kind, 'create', ...options, '--label', `${TEST_LABEL}=engine`, name], { stdio: 'ignore', timeout: 60_000 });
}

/** A fresh, labelled network of the given driver. */
export const resetTestNetwork = (name: string, driver: string) => resetTestObject('network', name, ['--driver', driver]);

/**
 * A fresh, labelled named volume for a suite to mount: Docker still copies the image directory's
 * contents and owner into it on first mount, as for a volume the container would create.
 */
export const resetTestVolume = (name: string) => resetTestObject('volume', name);
