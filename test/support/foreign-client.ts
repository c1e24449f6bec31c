// Another PC/SC process on the reader, neither sc-repro's holder nor its
// contender (test/fixtures/clients/foreign-client.c): a user's scdaemon or
// browser. Started asynchronously, since the test process plays the virtual
// card and must keep answering while the client powers it.
import { spawn } from 'node:child_process';
import { buildForeignClient } from './interposers.js';
import { markedEnv, processesWithMarker } from './process-table.js';

export type ForeignMode = 'hold-shared' | 'grab-exclusive';

export interface ForeignClientResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ForeignClient {
  pid: number;
  /** SIGTERM, then its exit (SIGKILL after 3 s); throws when any process of it is still there. */
  stop(): Promise<ForeignClientResult>;
}

/** Starts the client and resolves once it says it holds (`held`) or has started grabbing (`grabbing`). */
export async function startForeignClient(mode: ForeignMode, reader: string, env: Record<string, string> = {}): Promise<ForeignClient> {
  const binary = await buildForeignClient();
  const { env: marked, marker } = markedEnv();
  const child = spawn(binary, [mode, reader], { env: { ...process.env, ...marked, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ForeignClientResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const ready = mode === 'hold-shared' ? /^held$/m : /^grabbing$/m;
  const deadline = Date.now() + 10_000;
  while (!ready.test(stdout)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const result = await exited;
      throw new Error(`the foreign client (${mode}) did not start: exit ${result.code} ${result.signal ?? ''}; ${stdout}${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      const result = await exited.finally(() => clearTimeout(timer));
      const left = processesWithMarker(marker);
      if (left.length > 0) throw new Error(`the foreign client left processes behind: ${left.join(', ')}`);
      return result;
    },
  };
}
