// The contender: the port of connect.py. One SCardConnect attempt, timed,
// whose answer is the observation every scenario judges.
import type { ReaderSelector } from '../cli/options.js';
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { isEnvironmentCode } from '../cli/errors.js';
import { withReader, type CardWait } from './session.js';
import type { PcscContext } from '../pcsc/scard.js';
import type { ContenderPlan } from '../scenarios/types.js';

export type ContenderEvent = { type: 'using'; reader: string } | { type: 'attempt'; reader: string; mode: ShareMode };

export interface ContendOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  protocol: ProtocolChoice;
  onEvent?: (event: ContenderEvent) => void;
  cardWait?: CardWait;
}

export type ContendResult =
  | { ok: true; reader: string; mode: ShareMode; protocol: string; latencyMs: number }
  | { ok: false; reader: string; mode: ShareMode; error: PcscError; latencyMs: number };

export function contend(options: ContendOptions): Promise<ContendResult> {
  const emit = options.onEvent ?? (() => {});
  return withReader(options.reader, async (context, reader) => {
    emit({ type: 'using', reader });
    emit({ type: 'attempt', reader, mode: options.mode });
    return attempt(context, reader, { mode: options.mode, protocol: options.protocol });
  }, options.cardWait);
}

/**
 * One timed SCardConnect. A connection that succeeds is left at once, with the
 * plan's disposition (a scenario may reset the card on purpose).
 */
export async function attempt(context: PcscContext, reader: string, plan: ContenderPlan): Promise<ContendResult> {
  const started = performance.now();
  try {
    const connection = await context.connect(reader, plan.mode, plan.protocol);
    const latencyMs = performance.now() - started;
    await connection.disconnect(plan.disposition ?? 'leave');
    return { ok: true, reader, mode: plan.mode, protocol: connection.protocolName, latencyMs };
  } catch (error) {
    const latencyMs = performance.now() - started;
    // An answer from SCardConnect is the observation; a missing card or service is not.
    if (error instanceof PcscError && !isEnvironmentCode(error.code)) {
      return { ok: false, reader, mode: plan.mode, error, latencyMs };
    }
    throw error;
  }
}
