// Every PC/SC call a role makes is recorded, whatever it returned: the judged
// call is the observation, the others are the context a report needs.
import { epochMs, monotonicMs } from '../core/bounded-wait.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { lookupReturnCode } from '../pcsc/return-codes.js';
import type { CallRecord } from './protocol.js';

export type Outcome<T> = { ok: true; value: T; record: CallRecord } | { ok: false; error: PcscError; record: CallRecord };

/**
 * The calls of one role for its life. Nothing is kept beyond the spans open
 * at the moment of a call: a warm role makes calls for hours, and each reply
 * carries the calls made while it was being carried out.
 */
export class CallLog {
  private readonly open = new Set<CallRecord[]>();

  /** Collects every call recorded from now until `end()`, whichever runner or hold makes it. */
  span(): CallSpan {
    const records: CallRecord[] = [];
    this.open.add(records);
    return {
      records,
      end: () => {
        this.open.delete(records);
        return records;
      },
    };
  }

  /** Makes the call and records it; a PC/SC error is returned, anything else is thrown. */
  async attempt<T>(call: string, args: CallRecord['args'], work: () => Promise<T>): Promise<Outcome<T>> {
    const startedAt = epochMs();
    const started = monotonicMs();
    try {
      const value = await work();
      return { ok: true, value, record: this.add(callRecord(call, args, 0, startedAt, started)) };
    } catch (thrown) {
      const error = PcscError.from(thrown);
      if (!error) throw thrown;
      return { ok: false, error, record: this.add(callRecord(call, args, error.code, startedAt, started)) };
    }
  }

  /** Makes the call and records it; any error is thrown after it is recorded. */
  async run<T>(call: string, args: CallRecord['args'], work: () => Promise<T>): Promise<T> {
    const outcome = await this.attempt(call, args, work);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Records a call made and timed elsewhere. */
  add(record: CallRecord): CallRecord {
    for (const records of this.open) records.push(record);
    return record;
  }
}

export interface CallSpan {
  /** The calls so far. */
  readonly records: readonly CallRecord[];
  /** Stops collecting; the calls made while the span was open, in order. */
  end(): CallRecord[];
}

/** A call that just returned `rv`: begun at `startedAt` (wall clock) and `started` (monotonicMs()). */
export function callRecord(call: string, args: CallRecord['args'], rv: number, startedAt: number, started: number): CallRecord {
  return {
    call,
    args,
    rv: rv >>> 0,
    name: rv === 0 ? 'SCARD_S_SUCCESS' : (lookupReturnCode(rv)?.name ?? null),
    startedAt,
    durationMs: Math.round((monotonicMs() - started) * 1000) / 1000,
  };
}
