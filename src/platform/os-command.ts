// The one way platform/ asks the OS a question: a command, no shell, a short
// timeout, its output or null (a missing tool is an unknown fact, not an error).
import { execFile } from 'node:child_process';

export function runOsCommand(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 2000, windowsHide: true }, (error, stdout, stderr) =>
      resolve(error && !stdout ? null : `${stdout}${stderr}`.trim() || null),
    );
  });
}
