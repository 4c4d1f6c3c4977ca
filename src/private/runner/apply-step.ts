import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { ProviderLine, providerLineOf } from '../docker/provider-line';

/**
 * The container's output as plain text, as a Terraform expression for the postcondition message:
 * the container has a terminal on 3.6.2, so its log holds `\r` and may hold ANSI escape sequences.
 */
const STEP_OUTPUT = '${replace(replace(self.container_logs, "\\r", ""), "/\\u001b\\\\[[0-9;?]*[A-Za-z]/", "")}';

/**
 * What makes a container a step of the apply (a release command, a reconcile step): it runs to
 * completion during the apply (attach waits for the exit, logs keeps the output), must_run=false
 * lets the exited container stay in the state, so it runs again only when it is replaced, and a
 * non-zero exit fails the apply with `<what> failed with exit code N. Its output: …`.
 *
 * @internal
 */
export function applyStepSettings(scope: Construct, what: string, lifecycle: { createBeforeDestroy?: boolean; ignoreChanges?: string[] }) {
  return {
    attach: true,
    logs: true,
    // Provider 3.6.2 reads the log stream without demultiplexing it, so a container without a
    // terminal gets 8 binary header bytes before every write in container_logs. With a terminal
    // the stream is plain text; the message drops its \r and colour codes. 4.x demultiplexes it
    // (#899), so there the step runs as the app does.
    tty: Lazy.anyValue({ produce: () => providerLineOf(scope) === ProviderLine.V3_6_2 }),
    mustRun: false,
    restart: 'no',
    lifecycle: {
      ...lifecycle,
      postcondition: [{
        condition: '${self.exit_code == 0}',
        errorMessage: `${what} failed with exit code \${self.exit_code}. Its output:\n${STEP_OUTPUT}`,
      }],
    },
  };
}
