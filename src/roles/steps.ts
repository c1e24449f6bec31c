// A role carries out a scenario's steps on one handle of its own: SCardConnect
// opens it, the other calls use it. Every call is recorded, whatever it
// returned; what a record means is the orchestrator's to judge.
import { sleep } from '../core/bounded-wait.js';
import type { ConnectionCall, Connection, PcscContext } from '../pcsc/binding.js';
import { ATTRIBUTES } from '../pcsc/constants.js';
import type { Step } from '../scenarios/types.js';
import { CallLog } from './call-log.js';
import type { CallRecord } from './protocol.js';

/** Any APDU does: the virtual card and real cards answer something. */
export const PROBE_APDU = Buffer.from([0x00, 0xa4, 0x04, 0x00, 0x00]);

/** How long a status wait runs before the role cancels it: long enough to be inside the blocking call. */
const CANCEL_AFTER_MS = 50;
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
  private handle: Connection | null = null;

  /** `needs`: the calls every handle this runner opens must offer. */
  constructor(
    private readonly context: PcscContext,
    private readonly reader: string,
    readonly log: CallLog,
    private readonly needs: readonly ConnectionCall[],
  ) {}

  /** Opens the handle as the holder does: one SCardConnect, thrown on failure. */
  adopt(handle: Connection): void {
    this.handle = handle;
  }

  /** Makes `step`; its record comes back whatever the call returned. Anything that is not a PC/SC answer is thrown. */
  async run(step: Step): Promise<CallRecord> {
    if (step.call === 'SCardConnect') {
      const connected = await this.log.attempt('SCardConnect', { reader: this.reader, mode: step.mode, protocols: step.protocol ?? 'any' }, () =>
        this.context.connect(this.reader, step.mode, step.protocol ?? 'any', { calls: this.needs }),
      );
      if (!connected.ok) return connected.record;
      this.handle = connected.value;
      connected.record.protocol = connected.value.protocolName;
      return connected.record;
    }
    if (step.call === 'SCardCancel') return this.cancelledWait();
    const handle = this.handle;
    if (!handle) throw new Error(`${step.call} needs a handle: the scenario makes no SCardConnect before it`);
    switch (step.call) {
      case 'SCardDisconnect': {
        this.handle = null;
        return (await this.log.attempt('SCardDisconnect', { disposition: step.disposition }, () => handle.disconnect(step.disposition))).record;
      }
      case 'SCardTransmit':
        return (await this.log.attempt('SCardTransmit', {}, () => handle.transmit(PROBE_APDU))).record;
      case 'SCardStatus':
        return (await this.log.attempt('SCardStatus', {}, () => handle.status())).record;
      case 'SCardReconnect': {
        const args = { mode: step.mode, initialization: step.initialization };
        const reconnected = await this.log.attempt('SCardReconnect', args, () => handle.reconnect(step.mode, step.protocol ?? 'any', step.initialization));
        if (reconnected.ok) reconnected.record.protocol = reconnected.value;
        return reconnected.record;
      }
      case 'SCardGetAttrib':
        return (await this.log.attempt('SCardGetAttrib', { attribute: step.attribute }, () => handle.getAttribute(ATTRIBUTES[step.attribute]))).record;
      case 'SCardBeginTransaction':
        return (await this.log.attempt('SCardBeginTransaction', {}, () => handle.beginTransaction())).record;
      case 'SCardEndTransaction':
        return (await this.log.attempt('SCardEndTransaction', { disposition: step.disposition }, () => handle.endTransaction(step.disposition))).record;
    }
  }

  /**
   * SCardGetStatusChange waiting for a change of the reader, then SCardCancel
   * on the same context: the wait's answer (SCARD_E_CANCELLED on a correct
   * stack) is the step's.
   */
  private async cancelledWait(): Promise<CallRecord> {
    const waiting = this.log.attempt('SCardGetStatusChange', { reader: this.reader, timeout: STATUS_WAIT_MS }, () => this.context.waitForChange(this.reader, STATUS_WAIT_MS));
    await sleep(CANCEL_AFTER_MS);
    await this.log.attempt('SCardCancel', {}, () => this.context.cancel());
    return (await waiting).record;
  }

  /** Leaves a handle still open with SCARD_LEAVE_CARD; its record, or null when there was none. */
  async leave(): Promise<CallRecord | null> {
    return this.handle ? this.run({ call: 'SCardDisconnect', disposition: 'leave' }) : null;
  }
}
