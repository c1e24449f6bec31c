// A command run on a pseudo-terminal, as on a person's terminal: util-linux
// `script` gives it a terminal for stdin, stdout and stderr (all merged into
// what the test reads), with a size (a spinner needs one) and no CI variable.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli.js';

export function onTerminal(args: string[], env: Record<string, string> = {}): ChildProcess & { stdout: NodeJS.ReadableStream } {
  const command = ['stty cols 120 rows 40;', 'exec', process.execPath, CLI, ...args.map((arg) => JSON.stringify(arg))].join(' ');
  const { CI: _ci, ...inherited } = process.env;
  return spawn('script', ['-qefc', command, '/dev/null'], {
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Everything the terminal showed, and the exit code. */
export function terminalRun(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ code: number | null; shown: string }> {
  const child = onTerminal(args, env);
  let shown = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, shown });
    }),
  );
}
