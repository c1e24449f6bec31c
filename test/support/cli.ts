// Runs the compiled CLI as a real process, the way users and `repro` do.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/sc-repro.cjs', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line that matches. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  done: Promise<CliResult>;
}

export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    line(pattern, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = stdout.split('\n').find((line) => pattern.test(line));
          if (found !== undefined) {
            finish();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`process ended before printing ${pattern}; stdout: ${stdout}; stderr: ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const running = startCli(args, options);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  return running.done.finally(() => clearTimeout(timer));
}

/**
 * A --json output, parsed and checked against `sc-repro schema` (fetched from
 * the CLI once per test file, as a user would): a field renamed or a value
 * outside the contract fails the test that reads it.
 */
let validate: ValidateFunction | undefined;
export function jsonOutput(text: string): any {
  if (!validate) {
    const schema = JSON.parse(execFileSync(process.execPath, [CLI, 'schema'], { encoding: 'utf8' }));
    validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  }
  const value = JSON.parse(text);
  if (!validate(value)) {
    const errors = validate
      .errors!.slice(0, 8)
      .map((error) => `${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`);
    throw new Error(`--json output does not match \`sc-repro schema\`:\n  ${errors.join('\n  ')}\n${text.slice(0, 1500)}`);
  }
  return value;
}
