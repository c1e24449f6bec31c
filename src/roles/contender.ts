// The contender of the manual flow: the port of connect.py. One SCardConnect
// attempt, timed, whose answer is the observation. (In `repro` and `matrix`
// the contender carries out a scenario's steps: see serve.ts.)
import type { CodeJson } from '../core/errors.js';
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { codeJson, isEnvironmentCode, PcscError } from '../pcsc/pcsc-error.js';
import type { PcscContext } from '../pcsc/binding.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { CallLog } from './call-log.js';
import type { CallRecord } from './protocol.js';
import { withReader, type CardWait } from './session.js';
import { StepRunner } from './steps.js';

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
 * One timed SCardConnect, left at once with SCARD_LEAVE_CARD. An answer from
 * SCardConnect is the observation; a missing card or service is not, and is
 * thrown.
 */
export async function attempt(context: PcscContext, reader: string, mode: ShareMode, protocol: ProtocolChoice): Promise<AttemptResult> {
  const runner = new StepRunner(context, reader, new CallLog(), []);
  const judged = await runner.run({ call: 'SCardConnect', mode, protocol });
  if (judged.rv !== 0 && isEnvironmentCode(judged.rv)) throw PcscError.fromCode(judged.rv, judged.call);
  const left = await runner.leave();
  return { reader, mode, judged, protocol: judged.protocol ?? null, calls: left ? [left] : [] };
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
      return attempt(context, reader, options.mode, options.protocol);
    },
    options.cardWait,
  );
}

export type AttemptJson =
  | { reader: string; mode: ShareMode; latencyMs: number; protocol: string | null }
  | { reader: string; mode: ShareMode; latencyMs: number; error: CodeJson };

/** `connect --json`, inside the common envelope (whose `ok` says whether the connect succeeded). */
export function attemptJson(result: AttemptResult): AttemptJson {
  const base = { reader: result.reader, mode: result.mode, latencyMs: result.judged.durationMs };
  return result.judged.rv === 0
    ? { ...base, protocol: result.protocol }
    : { ...base, error: codeJson(result.judged.rv, result.judged.call) };
}
