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

export class WarmRoles {
  private readonly processes: Partial<Record<RoleName, RoleProcess>> = {};
  reader: string | null = null;
  /** Time to start both processes and have both ready, for the first repetition. */
  startupMs: number | null = null;

  constructor(
    private readonly selector: ReaderSelector | undefined,
    private readonly contenderEnv: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  private args(role: RoleName): string[] {
    const selector = this.selector ? ['--reader', 'index' in this.selector ? String(this.selector.index) : this.selector.name] : [];
    return [role === 'holder' ? 'lock' : 'connect', ...selector, '--serve'];
  }

  /** Both roles up and ready; starts whichever is missing, both at once. */
  async ready(): Promise<{ holder: RoleProcess; contender: RoleProcess }> {
    const started = performance.now();
    const missing = (['holder', 'contender'] as const).filter((role) => !this.processes[role]?.running);
    const starting = missing.map((role) => {
      const process = new RoleProcess(this.args(role), role === 'contender' ? this.contenderEnv : {});
      this.processes[role] = process;
      return this.awaitReady(role, process);
    });
    await Promise.all(starting);
    if (missing.length === 2) this.startupMs = performance.now() - started;
    return { holder: this.processes.holder!, contender: this.processes.contender! };
  }

  private async awaitReady(role: RoleName, process: RoleProcess): Promise<void> {
    const { message, timedOut } = await process.waitFor('ready', this.timeoutMs);
    if (message) {
      this.reader = String(message.reader);
      return;
    }
    if (timedOut) throw new RoleStartError(role, `the ${role} did not open the reader within ${this.timeoutMs / 1000} s`, 'raise --timeout');
    await process.exited;
    const result = process.result();
    const reason = typeof result?.message === 'string' ? result.message : (firstErrorLine(process.stderr()) ?? `it exited with code ${process.child.exitCode}`);
    // Both roles read --reader the same way: a usage error there is the user's.
    if (process.child.exitCode === EXIT.usage) throw new UsageError(reason);
    throw new RoleStartError(role, `the ${role} could not start: ${reason}`, typeof result?.hint === 'string' ? result.hint : null);
  }

  /** Stops one role; the next ready() starts it again. */
  async restart(role: RoleName): Promise<void> {
    await this.processes[role]?.stop();
    delete this.processes[role];
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.processes).map((process) => process.stop()));
  }
}

function firstErrorLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => line.startsWith('sc-repro: error:'))?.replace('sc-repro: error: ', '');
}
