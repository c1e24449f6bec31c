// Every PC/SC call a role makes is recorded, whatever it returned: the judged
// call is the observation, the others are the context a report needs.
import { epochMs } from '../core/bounded-wait.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { lookupReturnCode } from '../pcsc/return-codes.js';
import type { CallRecord } from './protocol.js';

export type Outcome<T> = { ok: true; value: T; record: CallRecord } | { ok: false; error: PcscError; record: CallRecord };

export class CallLog {
  readonly records: CallRecord[] = [];

  /** Makes the call and records it; a PC/SC error is returned, anything else is thrown. */
  async attempt<T>(call: string, args: CallRecord['args'], work: () => Promise<T>): Promise<Outcome<T>> {
    const startedAt = epochMs();
    const started = performance.now();
    try {
      const value = await work();
      return { ok: true, value, record: this.add(call, args, 0, startedAt, started) };
    } catch (thrown) {
      const error = PcscError.from(thrown);
      if (!error) throw thrown;
      return { ok: false, error, record: this.add(call, args, error.code, startedAt, started) };
    }
  }

  /** Makes the call and records it; any error is thrown after it is recorded. */
  async run<T>(call: string, args: CallRecord['args'], work: () => Promise<T>): Promise<T> {
    const outcome = await this.attempt(call, args, work);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** The records so far, and an empty log for what comes next. */
  take(): CallRecord[] {
    return this.records.splice(0);
  }

  private add(call: string, args: CallRecord['args'], rv: number, startedAt: number, started: number): CallRecord {
    const record = callRecord(call, args, rv, startedAt, started);
    this.records.push(record);
    return record;
  }
}

/** A call that just returned `rv`: begun at `startedAt` (wall clock) and `started` (performance.now()). */
export function callRecord(call: string, args: CallRecord['args'], rv: number, startedAt: number, started: number): CallRecord {
  return {
    call,
    args,
    rv: rv >>> 0,
    name: rv === 0 ? 'SCARD_S_SUCCESS' : (lookupReturnCode(rv)?.name ?? null),
    startedAt,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
}
