/**
 * The release container's output as plain text, as a Terraform expression for the postcondition
 * message: the container has a terminal, so its log holds `\r` and may hold ANSI escape sequences.
 */
export const RELEASE_OUTPUT = '${replace(replace(self.container_logs, "\\r", ""), "/\\u001b\\\\[[0-9;?]*[A-Za-z]/", "")}';
