// The holder and contender processes of a run, started once and reused by
// every repetition and every scenario. A role that died (a crash, or a
// contender stopped because its call never returned) is started again.
import { ROLE_NAMES, type RoleName } from '../roles/protocol.js';
import type { BindingInfo } from '../pcsc/binding.js';
import type { RoleGone } from './mailbox.js';
import { type ContenderLink, type HolderLink, RoleProcess, type RoleLink } from './role-process.js';
import { monotonicMs } from '../core/bounded-wait.js';

export interface RolePair {
  /** Starts the missing roles without waiting: their start-up overlaps whatever comes next. */
  launch(): void;
  /** Both roles up and ready; starts whichever is missing, both at once. */
  ready(): Promise<{ holder: HolderLink; contender: ContenderLink }>;
  /** As ready(), but waits for the holder only: the contender may still be starting (contenderReady waits for it). */
  holderReady(): Promise<{ holder: HolderLink; contender: ContenderLink }>;
  /** The contender up and ready, after holderReady(). */
  contenderReady(): Promise<void>;
  /** Stops one role; the next ready() starts it again. */
  restart(role: RoleName): Promise<void>;
  stop(urgent?: boolean): Promise<void>;
  /** Time to start both processes until both were ready, the first time. */
  readonly startupMs: number | null;
  /** The binding each role reported when it was ready. */
  readonly bindings: Partial<Record<RoleName, BindingInfo>>;
  /** How far each role's stamps may be off the system clock, as it reported when it was ready. */
  readonly clockUncertaintyMs: Partial<Record<RoleName, number>>;
}

export class RoleStartError extends Error {
  constructor(
    readonly role: RoleName,
    message: string,
    readonly hint: string | null,
    readonly gone: RoleGone | null,
  ) {
    super(message);
  }
}

export class WarmRoles implements RolePair {
  private readonly links: { holder?: HolderLink; contender?: ContenderLink } = {};
  private readonly starting = new Map<RoleName, Promise<void>>();
  /** The contender's start that holderReady left running: contenderReady waits for that one, and starts no other. */
  private contenderStarting: Promise<void> | undefined;
  startupMs: number | null = null;
  readonly bindings: Partial<Record<RoleName, BindingInfo>> = {};
  readonly clockUncertaintyMs: Partial<Record<RoleName, number>> = {};

  constructor(
    private readonly env: Record<RoleName, Record<string, string>>,
    private readonly timeoutMs: number,
    private readonly start: <R extends RoleName>(role: R, env: Record<string, string>) => RoleLink<R> = (role, env) =>
      new RoleProcess(role, env),
  ) {}

  launch(): void {
    const started = monotonicMs();
    const missing = ROLE_NAMES.filter((role) => !this.links[role]?.running && !this.starting.has(role));
    for (const role of missing) {
      const link = this.start(role, this.env[role]);
      (this.links as Record<RoleName, RoleLink>)[role] = link;
      const starting = this.awaitReady(link).finally(() => this.starting.delete(role));
      // A start that fails before anyone waits for it (a contender while the holder holds) is not an unhandled
      // rejection: whoever waits next gets it.
      starting.catch(() => {});
      this.starting.set(role, starting);
    }
    if (missing.length === ROLE_NAMES.length && this.startupMs === null) {
      void Promise.allSettled(this.starting.values()).then(() => (this.startupMs ??= monotonicMs() - started));
    }
  }

  async ready(): Promise<{ holder: HolderLink; contender: ContenderLink }> {
    this.contenderStarting = undefined;
    this.launch();
    await Promise.all(this.starting.values());
    return { holder: this.links.holder!, contender: this.links.contender! };
  }

  async holderReady(): Promise<{ holder: HolderLink; contender: ContenderLink }> {
    this.launch();
    this.contenderStarting = this.starting.get('contender');
    await this.starting.get('holder');
    return { holder: this.links.holder!, contender: this.links.contender! };
  }

  async contenderReady(): Promise<void> {
    const starting = this.contenderStarting;
    this.contenderStarting = undefined;
    await starting;
  }

  private async awaitReady(link: RoleLink): Promise<void> {
    const ready = await link.ready(this.timeoutMs);
    if ('message' in ready) {
      this.bindings[link.name] = ready.message.binding;
      this.clockUncertaintyMs[link.name] = ready.message.clockUncertaintyMs;
      return;
    }
    if ('timedOut' in ready)
      throw new RoleStartError(link.name, `the ${link.name} did not start within ${this.timeoutMs / 1000} s`, 'raise --timeout', null);
    const gone = 'gone' in ready ? ready.gone : null;
    const said = gone?.stopping?.error;
    throw new RoleStartError(
      link.name,
      `the ${link.name} could not start: ${said?.message ?? gone?.exit ?? 'no answer'}`,
      said?.hint ?? null,
      gone,
    );
  }

  async restart(role: RoleName): Promise<void> {
    await this.links[role]?.stop();
    delete this.links[role];
  }

  async stop(urgent = false): Promise<void> {
    await Promise.all(Object.values(this.links).map((link) => link.stop(urgent)));
  }
}
