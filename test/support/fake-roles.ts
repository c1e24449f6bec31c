// An in-memory holder, contender and observer for the run logic's unit tests:
// the same protocol messages the role processes send, with behaviour scripted
// per test (slow, blocked, dying, lying), and no process or PC/SC service.
import { epochMs, sleep } from '../../src/core/bounded-wait.js';
import { runOnce } from '../../src/orchestrator/run-scenario.js';
import type { RunOptions } from '../../src/orchestrator/run-types.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { codeOf, formatHex, lookupReturnCode } from '../../src/pcsc/return-codes.js';
import type { BindingInfo } from '../../src/pcsc/binding.js';
import type { ReaderStateFlag } from '../../src/pcsc/constants.js';
import type { Step } from '../../src/scenarios/types.js';
import type { ReaderObserver, ReaderView } from '../../src/orchestrator/observer.js';
import { HELD_FLAG } from '../../src/orchestrator/reader-accounting.js';
import { MailboxLink } from '../../src/orchestrator/role-process.js';
import { RoleStartError, type RolePair } from '../../src/orchestrator/warm-roles.js';
import { checkMessage, rejection } from '../../src/roles/protocol-checks.js';
import type {
  CallRecord,
  ContenderRequest,
  HolderRequest,
  RequestsOf,
  RoleMessage,
  RoleName,
  RoleRequest,
  Unstamped,
} from '../../src/roles/protocol.js';

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
  /** Answers at once: `whileHeld` while the holder holds the reader, `free` on a free one (an exclusive connect beside a shared holder). */
  | { kind: 'answers-by-hold'; whileHeld: number; free: number }
  /**
   * The last step waits until the holder makes its call on its held handle (a SCardBeginTransaction waiting for
   * the owner's SCardEndTransaction), then answers `rv`; `startsAfterIt`: the waiting call is stamped as begun only
   * after the holder's call (a contender that was not yet waiting when the holder called).
   */
  | { kind: 'waits-for-holder-call'; rv: number; startsAfterIt?: boolean }
  | { kind: 'never-returns' }
  | { kind: 'dies' };

export interface Script {
  contender: ContenderScript;
  /** The holder's connect fails with this code (not a busy reader): the holder answers `failed`. */
  holdFailsWith?: number;
  /** The contender's first step before the hold returns this; the steps after it are not made, as the real contender stops there. */
  prepareRv?: number;
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
  /** Collects the wrong requests the fakes get (answered as the real roles answer them), instead of failing the test. */
  wrongRequests?: string[];
  /** The contender is still starting when the holder is ready: it is ready this much later, or its start fails so. */
  contenderStart?: { readyAfterMs: number } | { fails: string };
  /** What else happens when the contender's act comes back: another process takes the reader, the service goes. */
  onAct?: (observer: FakeObserver) => void;
  /** What else happens once the holder has let go: another process takes the free reader. */
  onRelease?: (observer: FakeObserver) => void;
}

/** A fake role's binding, as a role reports it when it is ready. */
const FAKE_BINDING: BindingInfo = { name: 'ffi', version: null, library: 'fake', layout: 'pcsclite' };

/**
 * A request that the real role would refuse reaches a fake only through a
 * mistake in the code under test: the fake answers it as the real role does
 * (`failed`, or `protocol-error` when it cannot read the id), and then fails
 * the test that sent it, unless the test collects such problems itself.
 */
function failLoudly(problem: string): void {
  process.nextTick(() => {
    throw new Error(`a fake role got a wrong request: ${problem}`);
  });
}

export class FakeRole<R extends RoleName = RoleName> extends MailboxLink<R> {
  running = true;
  /** Every message this fake sent, in order. */
  readonly sent: RoleMessage[] = [];

  constructor(
    name: R,
    private readonly onRequest: (request: RequestsOf[R], role: FakeRole<R>) => void,
    private readonly wrongRequest: (problem: string) => void = failLoudly,
  ) {
    super(name);
  }

  protected deliver(request: RoleRequest): void {
    queueMicrotask(() => this.receive(request));
  }

  /** A request as it would arrive over IPC: checked as the real role checks it. */
  receive(value: unknown): void {
    if (!this.running) return;
    const rejected = rejection(value, this.name);
    if (!rejected) {
      this.onRequest(value as RequestsOf[R], this);
      return;
    }
    this.send(rejected);
    this.wrongRequest(rejected.type === 'failed' ? rejected.error.message : rejected.reason);
  }

  /** Answers `failed` as the real role does to a request it cannot carry out in the state it is in. */
  refuse(id: number, message: string): void {
    this.send({ type: 'failed', id, error: { message }, calls: [] });
    this.wrongRequest(`the ${this.name} was asked for what it cannot do now: ${message}`);
  }

  send(message: Unstamped<RoleMessage>, t = epochMs()): void {
    if (!this.running) return;
    const checked = checkMessage({ ...message, t });
    if (!checked.ok) throw new Error(`the fake ${this.name} would send a malformed message: ${checked.problem}`);
    this.sent.push(checked.value);
    this.mailbox.deliver(checked.value);
  }

  override ready(timeoutMs: number) {
    this.send({ type: 'ready', role: this.name, binding: FAKE_BINDING, clockUncertaintyMs: 0 });
    return super.ready(timeoutMs);
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
  holder!: FakeRole<'holder'>;
  contender!: FakeRole<'contender'>;
  readonly observer = new FakeObserver();
  readonly restarted: RoleName[] = [];
  /** Every request the roles got, in order: "holder hold", "contender prepare", "holder call SCardStatus", ... */
  readonly requests: string[] = [];
  startupMs = null;
  readonly bindings: Partial<Record<RoleName, BindingInfo>> = {};
  readonly clockUncertaintyMs: Partial<Record<RoleName, number>>;
  private releaseWaiters: (() => void)[] = [];
  /** Woken with the holder's call record when the holder makes its call on its held handle. */
  private holderCallWaiters: ((holderCall: CallRecord) => void)[] = [];
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
    const wrong = this.script.wrongRequests ? (problem: string) => this.script.wrongRequests!.push(problem) : undefined;
    if (name === 'holder') this.holder = new FakeRole('holder', (request, role) => this.holderActs(request, role), wrong);
    else this.contender = new FakeRole('contender', (request, role) => this.contenderActs(request, role), wrong);
  }

  private holderActs(request: HolderRequest, role: FakeRole<'holder'>): void {
    const { script } = this;
    this.requests.push(request.type === 'call' ? `holder call ${request.step.call}` : `holder ${request.type}`);
    if (request.type === 'hold') {
      if (script.holderDiesOn === 'hold') {
        role.die();
        return;
      }
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
        role.send({
          type: 'failed',
          id: request.id,
          error: { message: 'SCARD_E_SHARING_VIOLATION (0x8010000B): Sharing violation.', error },
          calls: [call('SCardConnect', error.code)],
        });
        return;
      }
      if (script.holdFailsWith !== undefined) {
        const code = lookupReturnCode(script.holdFailsWith);
        const name = code?.name ?? null;
        const error = {
          code: script.holdFailsWith,
          hex: formatHex(script.holdFailsWith),
          name,
          message: code?.message ?? '',
          call: 'SCardConnect',
        };
        role.send({
          type: 'failed',
          id: request.id,
          error: { message: `${name} (${error.hex}): ${error.message}`, error },
          calls: [call('SCardConnect', script.holdFailsWith)],
        });
        return;
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
      if (script.holderDiesOn === 'release') {
        role.die();
        return;
      }
      // As the real holder: a release with nothing held releases nothing.
      if (!this.holding) {
        role.send({ type: 'released', id: request.id, heldMs: 0, releaseStartedAt: 0, calls: [] });
        return;
      }
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
      script.onRelease?.(this.observer);
      for (const wake of this.releaseWaiters.splice(0)) wake();
    } else {
      if (!this.holding) {
        role.refuse(request.id, 'nothing is held');
        return;
      }
      const made = call(request.step.call, script.holderCallRv ?? 0, epochMs() + (script.holderIdleMs ?? 0));
      role.send({ type: 'called', id: request.id, call: made });
      for (const wake of this.holderCallWaiters.splice(0)) wake(made);
    }
  }

  private contenderActs(request: ContenderRequest, role: FakeRole<'contender'>): void {
    const { script } = this;
    this.requests.push(`contender ${request.type}`);
    if (request.type === 'prepare') {
      const calls = request.steps.map((step, index) =>
        call(step.call, index === 0 ? (script.prepareRv ?? 0) : 0, epochMs(), 1, stepArgs(step)),
      );
      // As the real contender: the steps up to and including the first that failed.
      const failed = calls.findIndex((made) => made.rv !== 0);
      role.send({ type: 'prepared', id: request.id, calls: failed < 0 ? calls : calls.slice(0, failed + 1) });
      return;
    }
    const started = epochMs();
    role.send({ type: 'attempting', id: request.id, reader: request.reader });
    // Every step but one succeeds at once; that one (the last unless the script says) behaves as scripted.
    const answer = (rv: number, slow = request.steps.length - 1, slowStarted = started) => {
      const returned = epochMs();
      const calls = request.steps.map((step, index) =>
        index === slow
          ? call(step.call, index === request.steps.length - 1 ? rv : 0, slowStarted, returned - slowStarted, stepArgs(step))
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
      case 'answers-by-hold': {
        const rv = this.holding ? behaviour.whileHeld : behaviour.free;
        setTimeout(() => answer(rv), 1);
        return;
      }
      case 'waits-for-holder-call':
        this.holderCallWaiters.push((holderCall) =>
          setTimeout(() => answer(behaviour.rv, undefined, behaviour.startsAfterIt ? holderCall.startedAt + 2 : started), 5),
        );
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

  async holderReady() {
    const links = await this.ready();
    if (this.script.contenderStart && !this.contenderStarting) {
      this.contenderStarting = this.contenderStarts(this.script.contenderStart);
      // As WarmRoles: a start that fails before anyone waits is no unhandled rejection.
      this.contenderStarting.catch(() => {});
    }
    return links;
  }

  /** Started by holderReady with a scripted start, waited for here; the contender of ready() is ready at once. */
  private contenderStarting: Promise<void> | undefined;

  private async contenderStarts(start: NonNullable<Script['contenderStart']>): Promise<void> {
    if ('fails' in start) {
      await sleep(5);
      this.requests.push('contender start failed');
      await this.contender.stop();
      throw new RoleStartError('contender', `the contender could not start: ${start.fails}`, null, null);
    }
    await sleep(start.readyAfterMs);
    this.requests.push('contender ready');
  }

  async contenderReady(): Promise<void> {
    await this.contenderStarting;
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

/** A run of `runOnce` against fake roles: the catalog's first scenario, a short timeout and blocked bound, unless overridden. */
export function fakeRunOptions(overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    scenario: elCapitanScardConnect,
    reader: READER,
    holdSeconds: 10,
    fullHold: false,
    timeoutSeconds: 1,
    blockedAfterSeconds: 0.1,
    platform: 'linux-pcsclite',
    ...overrides,
  };
}

/** The real `runOnce` against these fakes. */
export async function runWithFakes(script: Script, overrides: Partial<RunOptions> = {}) {
  const roles = new FakeRoles(script);
  const result = await runOnce({ roles, observer: roles.observer }, fakeRunOptions(overrides));
  return { result, roles };
}
