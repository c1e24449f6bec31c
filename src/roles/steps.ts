// A role carries out a scenario's steps on one handle of its own: SCardConnect
// opens it, the other calls use it. Every call is recorded, whatever it
// returned; what a record means is the orchestrator's to judge.
import { settlesWithin, monotonicMs } from '../core/bounded-wait.js';
import type { ConnectionCall, Connection, PcscContext } from '../pcsc/binding.js';
import { ATTRIBUTES } from '../pcsc/constants.js';
import type { Step } from '../scenarios/types.js';
import { CallLog, type Outcome } from './call-log.js';
import type { CallRecord } from './protocol.js';

/** Any APDU does: the virtual card and real cards answer something. */
export const PROBE_APDU = Buffer.from([0x00, 0xa4, 0x04, 0x00, 0x00]);

/** How often SCardCancel is made again while the status wait has not returned; also the wait's head start before the first. */
const CANCEL_EVERY_MS = 20;
/** The wait's own bound, as in pcsc-lite's SCardCancel test: a stack that ignores the cancel answers SCARD_E_TIMEOUT. */
const STATUS_WAIT_MS = 10_000;

const NEEDS: Partial<Record<Step['call'], ConnectionCall>> = {
  SCardBeginTransaction: 'transaction',
  SCardEndTransaction: 'transaction',
  SCardStatus: 'status',
  SCardReconnect: 'reconnect',
  SCardGetAttrib: 'attribute',
};

/** The calls beyond transmit and disconnect that `steps` will ask of a handle. */
export function callsNeeded(steps: readonly Step[]): ConnectionCall[] {
  return [...new Set(steps.flatMap((step) => NEEDS[step.call] ?? []))];
}

export class StepRunner {
  private open: Connection | null = null;

  /** `log`: the role's one call log, which records every call this runner makes; `needs`: the calls every handle it opens must offer. */
  constructor(
    private readonly context: PcscContext,
    private readonly reader: string,
    private readonly log: CallLog,
    private readonly needs: readonly ConnectionCall[],
  ) {}

  /** The handle the last SCardConnect opened, while it is open. */
  get connection(): Connection | null {
    return this.open;
  }

  /** Makes `step`; its record comes back whatever the call returned, with the protocol a connect or reconnect reported. Anything that is not a PC/SC answer is thrown. */
  async run(step: Step): Promise<CallRecord> {
    const outcome = await this.make(step);
    if (outcome.ok && typeof outcome.protocol === 'string') outcome.record.protocol = outcome.protocol;
    return outcome.record;
  }

  /**
   * Makes `step`, which must succeed: a PC/SC error is thrown once the call is
   * recorded. This is how the holder takes the reader; its records carry no
   * protocol (the hold reports the one it got).
   */
  async must(step: Step): Promise<void> {
    const outcome = await this.make(step);
    if (!outcome.ok) throw outcome.error;
  }

  private async make(step: Step): Promise<Outcome<unknown> & { protocol?: string }> {
    if (step.call === 'SCardConnect') {
      const connected = await this.log.attempt(
        'SCardConnect',
        { reader: this.reader, mode: step.mode, protocols: step.protocol ?? 'any' },
        () => this.context.connect(this.reader, step.mode, step.protocol ?? 'any', { calls: this.needs }),
      );
      if (!connected.ok) return connected;
      this.open = connected.value;
      return { ...connected, protocol: connected.value.protocolName };
    }
    if (step.call === 'SCardCancel') return this.cancelledWait();
    const handle = this.open;
    if (!handle) throw new Error(`${step.call} needs a handle: the scenario makes no SCardConnect before it`);
    switch (step.call) {
      case 'SCardDisconnect':
        this.open = null;
        return this.log.attempt('SCardDisconnect', { disposition: step.disposition }, () => handle.disconnect(step.disposition));
      case 'SCardTransmit':
        return this.log.attempt('SCardTransmit', {}, () => handle.transmit(PROBE_APDU));
      case 'SCardStatus':
        return this.log.attempt('SCardStatus', {}, () => handle.status());
      case 'SCardReconnect': {
        const args = { mode: step.mode, initialization: step.initialization };
        const reconnected = await this.log.attempt('SCardReconnect', args, () =>
          handle.reconnect(step.mode, step.protocol ?? 'any', step.initialization),
        );
        return reconnected.ok ? { ...reconnected, protocol: reconnected.value } : reconnected;
      }
      case 'SCardGetAttrib':
        return this.log.attempt('SCardGetAttrib', { attribute: step.attribute }, () => handle.getAttribute(ATTRIBUTES[step.attribute]));
      case 'SCardBeginTransaction':
        return this.log.attempt('SCardBeginTransaction', {}, () => handle.beginTransaction());
      case 'SCardEndTransaction':
        return this.log.attempt('SCardEndTransaction', { disposition: step.disposition }, () => handle.endTransaction(step.disposition));
    }
  }

  /**
   * SCardGetStatusChange waiting for a change of the reader, and SCardCancel
   * on the same context until the wait has returned: the wait's answer
   * (SCARD_E_CANCELLED on a correct stack) is the step's, and says whether a
   * cancel took effect. Of the cancels, the first and the last are recorded,
   * each with which of how many it was (`nth`, `of`): on an idle machine
   * there is one, under load a few, and a long run of identical records
   * would bury the wait in a trace.
   */
  private async cancelledWait(): Promise<Outcome<void>> {
    const waiting = this.log.attempt('SCardGetStatusChange', { reader: this.reader, timeout: STATUS_WAIT_MS }, () =>
      this.context.waitForChange(this.reader, STATUS_WAIT_MS),
    );
    // A cancel that throws (not a PC/SC answer) ends the step; the wait must not then become an unhandled rejection.
    waiting.catch(() => {});
    // The cancels go to a log of their own first: only the first and the last reach the role's.
    const cancels = new CallLog();
    const cancelled = cancels.span();
    await cancelUntilSettled(
      waiting,
      () => cancels.attempt('SCardCancel', {}, () => this.context.cancel()),
      CANCEL_EVERY_MS,
      STATUS_WAIT_MS,
    );
    const made = cancelled.end();
    const kept = made.length > 2 ? [made[0]!, made.at(-1)!] : made;
    for (const record of kept) this.log.add({ ...record, args: { nth: made.indexOf(record) + 1, of: made.length } });
    return waiting;
  }

  /** Leaves a handle still open with SCARD_LEAVE_CARD; its record, or null when there was none. */
  async leave(): Promise<CallRecord | null> {
    return this.open ? this.run({ call: 'SCardDisconnect', disposition: 'leave' }) : null;
  }
}

/**
 * Makes `cancel` until `waiting` has settled, and resolves with how many were
 * made. pcsc-lite's SCardCancel ends only a wait that pcscd has already
 * registered; one that comes earlier is lost, and answers SCARD_S_SUCCESS (or,
 * before pcsc-lite 2.0.1, SCARD_E_INVALID_HANDLE once the client library has
 * begun the wait: winscard_svc.c). Nothing outside the library shows when the
 * wait is registered, so the cancel is repeated every `everyMs` (the wait gets
 * that long before the first) until the wait has returned, for at most
 * `forMs`, the wait's own bound, whatever each cancel answered. Each
 * SCardCancel returns only once the service has answered it, so none is still
 * on its way when the next call on the context begins.
 *
 * Repeating is harmless on the other stacks: Microsoft's SCardCancel
 * reference (winscard.h) has it terminate the context's outstanding actions
 * and names no error for a context with none; Apple's
 * SmartCardServices (src/PCSC/winscard_clnt.c) has SCardCancel set the
 * context's block status to RESUME and return SCARD_S_SUCCESS, and
 * SCardGetStatusChange set it back to BLOCKING when it starts, so a cancel
 * made while no wait runs neither fails nor reaches a later wait.
 */
export async function cancelUntilSettled(
  waiting: Promise<unknown>,
  cancel: () => Promise<unknown>,
  everyMs: number,
  forMs: number,
): Promise<number> {
  const deadline = monotonicMs() + forMs;
  let made = 0;
  while (!(await settlesWithin(waiting, everyMs)) && monotonicMs() < deadline) {
    await cancel();
    made++;
  }
  return made;
}
