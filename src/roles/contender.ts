// The contender: the port of connect.py. One SCardConnect attempt, timed,
// whose answer is the observation every scenario judges.
import type { CodeJson } from '../core/errors.js';
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { codeJson, isEnvironmentCode } from '../pcsc/pcsc-error.js';
import type { PcscContext } from '../pcsc/binding.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import type { ContenderPlan } from '../scenarios/types.js';
import { CallLog } from './call-log.js';
import type { CallRecord } from './protocol.js';
import { withReader, type CardWait } from './session.js';

export interface AttemptResult {
  reader: string;
  mode: ShareMode;
  /** The SCardConnect: what the scenario judges. */
  judged: CallRecord;
  /** The negotiated protocol when the connect succeeded. */
  protocol: string | null;
  /** The other calls of the attempt: the disconnect after a connect that succeeded. */
  calls: CallRecord[];
}

/**
 * One timed SCardConnect. A connection that succeeds is left at once, with the
 * plan's disposition (a scenario may reset the card on purpose). An answer
 * from SCardConnect is the observation; a missing card or service is not, and
 * is thrown.
 */
export async function attempt(context: PcscContext, reader: string, plan: ContenderPlan, onAttempting: () => void = () => {}): Promise<AttemptResult> {
  const log = new CallLog();
  onAttempting();
  const connected = await log.attempt('SCardConnect', { reader, mode: plan.mode }, () => context.connect(reader, plan.mode, plan.protocol));
  if (!connected.ok) {
    if (isEnvironmentCode(connected.error.code)) throw connected.error;
    return { reader, mode: plan.mode, judged: connected.record, protocol: null, calls: [] };
  }
  const disposition = plan.disposition ?? 'leave';
  await log.attempt('SCardDisconnect', { disposition }, () => connected.value.disconnect(disposition));
  const [judged, ...calls] = log.take();
  return { reader, mode: plan.mode, judged: judged!, protocol: connected.value.protocolName, calls };
}

export type ContenderEvent = { type: 'using'; reader: string };

export interface ContendOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  protocol: ProtocolChoice;
  onEvent?: (event: ContenderEvent) => void;
  cardWait?: CardWait;
}

/** `sc-repro connect`: one attempt on the selected reader. */
export function contend(options: ContendOptions): Promise<AttemptResult> {
  return withReader(
    options.reader,
    async (context, reader) => {
      options.onEvent?.({ type: 'using', reader });
      return attempt(context, reader, { mode: options.mode, protocol: options.protocol });
    },
    options.cardWait,
  );
}

export type AttemptJson =
  | { ok: true; reader: string; mode: ShareMode; latencyMs: number; protocol: string | null }
  | { ok: false; reader: string; mode: ShareMode; latencyMs: number; error: CodeJson };

/** `connect --json`. */
export function attemptJson(result: AttemptResult): AttemptJson {
  const base = { reader: result.reader, mode: result.mode, latencyMs: result.judged.durationMs };
  return result.judged.rv === 0
    ? { ok: true, ...base, protocol: result.protocol }
    : { ok: false, ...base, error: codeJson(result.judged.rv, result.judged.call) };
}
