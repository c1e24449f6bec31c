// The holder and contender processes of a run, started once and reused by
// every repetition and every scenario. A role that died (a crash, or a
// contender stopped because its call never returned) is started again.
import type { ReaderSelector } from '../cli/options.js';
import { UsageError } from '../cli/errors.js';
import { EXIT } from '../cli/exit-codes.js';
import { RoleProcess } from './role-process.js';

export type RoleName = 'holder' | 'contender';

export class RoleStartError extends Error {
  constructor(
    readonly role: RoleName,
    message: string,
    readonly hint: string | null,
  ) {
    super(message);
  }
}

export interface WarmRolesOptions {
  selector: ReaderSelector | undefined;
  /** Extra environment per role, e.g. an LD_PRELOAD that emulates a bug or injects a fault. */
  env: Record<RoleName, Record<string, string>>;
  timeoutMs: number;
  /** With no card in the reader, the roles wait this long for one. */
  waitCardSeconds?: number;
  onWaitingForCard?: (reader: string, seconds: number) => void;
}

export class WarmRoles {
  private readonly processes: Partial<Record<RoleName, RoleProcess>> = {};
  reader: string | null = null;
  /** Time to start both processes and have both ready, for the first repetition. */
  startupMs: number | null = null;

  constructor(private readonly options: WarmRolesOptions) {}

  private args(role: RoleName): string[] {
    const { selector: chosen, waitCardSeconds } = this.options;
    const selector = chosen ? ['--reader', 'index' in chosen ? String(chosen.index) : chosen.name] : [];
    const waitCard = waitCardSeconds === undefined ? [] : ['--wait-card', String(waitCardSeconds)];
    return [role === 'holder' ? 'lock' : 'connect', ...selector, ...waitCard, '--serve'];
  }

  /** Both roles up and ready; starts whichever is missing, both at once. */
  async ready(): Promise<{ holder: RoleProcess; contender: RoleProcess }> {
    const started = performance.now();
    const missing = (['holder', 'contender'] as const).filter((role) => !this.processes[role]?.running);
    const starting = missing.map((role) => {
      const process = new RoleProcess(this.args(role), this.options.env[role]);
      this.processes[role] = process;
      return this.awaitReady(role, process);
    });
    await Promise.all(starting);
    if (missing.length === 2) this.startupMs = performance.now() - started;
    return { holder: this.processes.holder!, contender: this.processes.contender! };
  }

  private async awaitReady(role: RoleName, process: RoleProcess): Promise<void> {
    // Waiting for a card is not start-up: it has its own bound.
    const { timeoutMs, waitCardSeconds, onWaitingForCard } = this.options;
    const bound = timeoutMs + (waitCardSeconds ?? 0) * 1000;
    process.onMessage('waiting-card', (waiting) => onWaitingForCard?.(String(waiting.reader), waitCardSeconds ?? 0));
    const { message, timedOut } = await process.waitFor('ready', bound);
    if (message) {
      this.reader = String(message.reader);
      return;
    }
    if (timedOut) throw new RoleStartError(role, `the ${role} did not open the reader within ${bound / 1000} s`, 'raise --timeout');
    await process.exited;
    const result = process.result();
    const reason = typeof result?.message === 'string' ? result.message : (firstErrorLine(process.stderr()) ?? exitDescription(process));
    // Both roles read --reader the same way: a usage error there is the user's.
    if (process.child.exitCode === EXIT.usage) throw new UsageError(reason);
    throw new RoleStartError(role, `the ${role} could not start: ${reason}`, typeof result?.hint === 'string' ? result.hint : null);
  }

  /** Stops one role; the next ready() starts it again. */
  async restart(role: RoleName): Promise<void> {
    await this.processes[role]?.stop();
    delete this.processes[role];
  }

  async stop(urgent = false): Promise<void> {
    await Promise.all(Object.values(this.processes).map((process) => process.stop(urgent)));
  }
}

function firstErrorLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => line.startsWith('sc-repro: error:'))?.replace('sc-repro: error: ', '');
}

function exitDescription(process: RoleProcess): string {
  const { exitCode, signalCode } = process.child;
  return signalCode ? `it was killed by ${signalCode}` : `it exited with code ${exitCode}`;
}
