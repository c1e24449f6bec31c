// An in-memory holder, contender and observer for the run logic's unit tests:
// the same protocol messages the role processes send, with behaviour scripted
// per test (slow, blocked, dying, lying), and no process or PC/SC service.
import { epochMs } from '../../src/core/bounded-wait.js';
import { codeOf, lookupReturnCode } from '../../src/pcsc/return-codes.js';
import type { BindingInfo } from '../../src/pcsc/binding.js';
import type { ReaderStateFlag } from '../../src/pcsc/constants.js';
import type { Step } from '../../src/scenarios/types.js';
import { Mailbox, type Wait } from '../../src/orchestrator/mailbox.js';
import type { ReaderObserver, ReaderView } from '../../src/orchestrator/observer.js';
import { HELD_FLAG } from '../../src/orchestrator/reader-accounting.js';
import type { NewRequest, RoleLink } from '../../src/orchestrator/role-process.js';
import type { RolePair } from '../../src/orchestrator/warm-roles.js';
import type { CallRecord, MessageOf, RoleMessage, RoleName, RoleRequest, Unstamped } from '../../src/roles/protocol.js';

export const READER = 'Fake Reader 00 00';

export function call(name: string, rv = 0, startedAt = epochMs(), durationMs = 1, args: CallRecord['args'] = {}): CallRecord {
  return { call: name, args, rv, name: lookupReturnCode(rv)?.name ?? null, startedAt, durationMs };
}

/** What a role records of a step's arguments: the share mode tells one connect from another, a disposition one that resets the card. */
const stepArgs = (step: Step): CallRecord['args'] => ({
  ...('mode' in step && step.mode ? { mode: step.mode } : {}),
  ...('disposition' in step ? { disposition: step.disposition } : {}),
  ...('initialization' in step ? { initialization: step.initialization } : {}),
});

/** How the contender's one call behaves. */
export type ContenderScript =
  | { kind: 'answers'; afterMs: number; rv: number }
  /** The step at `step` (the last by default) waits for the release; the steps after it answer at once. */
  | { kind: 'waits-for-release'; rv: number; lagMs?: number; step?: number }
  /** Takes `afterMs` whenever the reader is held, and answers at once on a free one: a delay that waits for nobody. */
  | { kind: 'slow-when-held'; afterMs: number; rv: number }
  | { kind: 'never-returns' }
  | { kind: 'dies' };

export interface Script {
  contender: ContenderScript;
  /** The holder dies instead of answering this request. */
  holderDiesOn?: 'hold' | 'release';
  /** The holder stamps its `held` this far in the future (a lying clock). */
  heldClockSkewMs?: number;
  /** How far each role says its stamps may be off the system clock. */
  clockUncertaintyMs?: number;
  /** The contender's disconnect after a connect that succeeded returns this. */
  disconnectRv?: number;
  /** The reader the contender says it acted on. */
  contenderReader?: string;
  /** The first hold meets another process's exclusive hold. */
  busyOnce?: boolean;
  /** The stack shows no EXCLUSIVE or INUSE to third parties. */
  hidesShareState?: boolean;
  /** The stack shows every hold as INUSE, an exclusive one too, never EXCLUSIVE. */
  inUseOnly?: boolean;
  /** The holder's SCardStatus before letting go (made to prove the hold, or by a transaction's owner) returns this. */
  statusBeforeReleaseRv?: number;
  /** The holder's calls after it took the reader (its judged call, those at its release) are stamped this much later: a transaction left idle that long, without the wait. */
  holderIdleMs?: number;
  /** The holder's judged call returns this. */
  holderCallRv?: number;
  /** The return code of the act's scripted call, one per attempt in turn, before `contender.rv` (another process in the moment of one call). */
  rvs?: number[];
  /** The protocol the act's last call reports, one per attempt in turn (a card another process powered between two calls). */
  protocols?: string[];
  /** What else happens when the contender's act comes back: another process takes the reader, the service goes. */
  onAct?: (observer: FakeObserver) => void;
}

class FakeRole implements RoleLink {
  readonly mailbox = new Mailbox();
  running = true;
  private nextId = 1;

  constructor(
    readonly name: RoleName,
    private readonly onRequest: (request: RoleRequest, role: FakeRole) => void,
  ) {}

  request(request: NewRequest): number {
    const id = this.nextId++;
    const full = { ...request, id } as RoleRequest;
    queueMicrotask(() => this.running && this.onRequest(full, this));
    return id;
  }

  reply<T extends RoleMessage['type']>(
    id: number,
    types: readonly T[],
    timeoutMs: number,
  ): Promise<Wait<MessageOf<T> | MessageOf<'failed'>>> {
    return this.mailbox.take(id, types, timeoutMs);
  }

  send(message: Unstamped<RoleMessage>, t = epochMs()): void {
    if (this.running) this.mailbox.deliver({ ...message, t } as RoleMessage);
  }

  die(how = 'it was killed by SIGKILL'): void {
    this.running = false;
    this.mailbox.close(() => how);
  }

  async stop(): Promise<void> {
    if (this.running) this.die('it exited with code 0');
  }
}

/** A third party that sees what the fake holder does to the reader. */
export class FakeObserver implements ReaderObserver {
  flags: ReaderStateFlag[] = ['PRESENT'];
  looks = 0;
  /** The service is gone: every look throws this. */
  gone: Error | null = null;
  readers(): string[] {
    return [READER];
  }
  look(): ReaderView {
    this.looks++;
    if (this.gone) throw this.gone;
    return { flags: [...this.flags], atr: '3B 80 80 01 01' };
  }
  async serviceFailure() {
    return null;
  }
  close(): void {}
}

export class FakeRoles implements RolePair {
  holder!: FakeRole;
  contender!: FakeRole;
  readonly observer = new FakeObserver();
  readonly restarted: RoleName[] = [];
  startupMs = null;
  readonly bindings: Partial<Record<RoleName, BindingInfo>> = {};
  readonly clockUncertaintyMs: Partial<Record<RoleName, number>>;
  private releaseWaiters: (() => void)[] = [];
  private proving = false;
  private transaction = false;
  private holding = false;
  private busy: boolean;

  constructor(private readonly script: Script) {
    this.busy = !!script.busyOnce;
    const uncertainty = script.clockUncertaintyMs ?? 0;
    this.clockUncertaintyMs = { holder: uncertainty, contender: uncertainty };
    this.start('holder');
    this.start('contender');
  }

  private start(name: RoleName): void {
    if (name === 'holder') this.holder = new FakeRole('holder', (request, role) => this.holderActs(request, role));
    else this.contender = new FakeRole('contender', (request, role) => this.contenderActs(request, role));
  }

  private holderActs(request: RoleRequest, role: FakeRole): void {
    const { script } = this;
    if (request.type === 'hold') {
      if (script.holderDiesOn === 'hold') return role.die();
      if (this.busy) {
        this.busy = false;
        this.observer.flags = ['PRESENT', 'EXCLUSIVE'];
        setTimeout(() => (this.observer.flags = ['PRESENT']), 30);
        const error = {
          code: codeOf('SCARD_E_SHARING_VIOLATION'),
          hex: '0x8010000B',
          name: 'SCARD_E_SHARING_VIOLATION',
          message: 'Sharing violation.',
          call: 'SCardConnect',
        };
        return role.send({
          type: 'failed',
          id: request.id,
          error: { message: 'SCARD_E_SHARING_VIOLATION (0x8010000B): Sharing violation.', error },
          calls: [],
        });
      }
      if (!script.hidesShareState) this.observer.flags = ['PRESENT', script.inUseOnly ? 'INUSE' : HELD_FLAG[request.plan.mode]];
      this.proving = request.proveByStatus;
      this.transaction = !!request.plan.transaction;
      this.holding = true;
      const calls = [
        call('SCardConnect'),
        ...(this.transaction ? [call('SCardBeginTransaction')] : []),
        ...(request.proveByStatus ? [call('SCardStatus')] : []),
      ];
      role.send({ type: 'held', id: request.id, reader: request.reader, protocol: 'T1', calls }, epochMs() + (script.heldClockSkewMs ?? 0));
    } else if (request.type === 'release') {
      if (script.holderDiesOn === 'release') return role.die();
      const idle = script.holderIdleMs ?? 0;
      const status = this.proving || this.transaction ? [call('SCardStatus', script.statusBeforeReleaseRv ?? 0, epochMs() + idle)] : [];
      const releaseStartedAt = epochMs() + idle;
      this.holding = false;
      this.observer.flags = this.observer.flags.filter((flag) => flag === 'PRESENT');
      role.send(
        {
          type: 'released',
          id: request.id,
          heldMs: 10,
          releaseStartedAt,
          calls: [...status, call('SCardDisconnect', 0, releaseStartedAt, 0.2)],
        },
        releaseStartedAt + 0.2,
      );
      for (const wake of this.releaseWaiters.splice(0)) wake();
    } else if (request.type === 'call') {
      role.send({
        type: 'called',
        id: request.id,
        call: call(request.step.call, script.holderCallRv ?? 0, epochMs() + (script.holderIdleMs ?? 0)),
      });
    }
  }

  private contenderActs(request: RoleRequest, role: FakeRole): void {
    if (request.type === 'prepare') {
      role.send({ type: 'prepared', id: request.id, calls: request.steps.map((step) => call(step.call)) });
      return;
    }
    if (request.type !== 'attempt') return;
    const { script } = this;
    const started = epochMs();
    role.send({ type: 'attempting', id: request.id, reader: request.reader });
    // Every step but one succeeds at once; that one (the last unless the script says) behaves as scripted.
    const answer = (rv: number, slow = request.steps.length - 1) => {
      const returned = epochMs();
      const calls = request.steps.map((step, index) =>
        index === slow
          ? call(step.call, index === request.steps.length - 1 ? rv : 0, started, returned - started, stepArgs(step))
          : call(step.call, 0, index < slow ? started : returned, 0.1, stepArgs(step)),
      );
      const protocol = script.protocols?.shift();
      if (protocol) calls.at(-1)!.protocol = protocol;
      const cleanup = rv === 0 ? [call('SCardDisconnect', script.disconnectRv ?? 0)] : [];
      role.send({ type: 'attempted', id: request.id, reader: script.contenderReader ?? request.reader, calls, cleanup });
      script.onAct?.(this.observer);
    };
    const behaviour = script.contender;
    switch (behaviour.kind) {
      case 'answers': {
        const rv = script.rvs?.shift() ?? behaviour.rv;
        setTimeout(() => answer(rv), behaviour.afterMs);
        return;
      }
      case 'waits-for-release':
        // Nobody holds the reader: there is nothing to wait for.
        if (!this.holding) {
          setTimeout(() => answer(behaviour.rv, behaviour.step), 1);
          return;
        }
        this.releaseWaiters.push(() => setTimeout(() => answer(behaviour.rv, behaviour.step), behaviour.lagMs ?? 5));
        return;
      case 'slow-when-held':
        setTimeout(() => answer(behaviour.rv), this.holding ? behaviour.afterMs : 1);
        return;
      case 'never-returns':
        return;
      case 'dies':
        setTimeout(() => role.die(), 5);
        return;
    }
  }

  launch(): void {}

  async ready() {
    for (const name of ['holder', 'contender'] as const) if (!this[name].running) this.start(name);
    return { holder: this.holder, contender: this.contender };
  }

  async restart(role: RoleName): Promise<void> {
    this.restarted.push(role);
    await this[role].stop();
  }

  async stop(): Promise<void> {
    await this.holder.stop();
    await this.contender.stop();
  }
}
