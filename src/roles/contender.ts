// The contender: the port of connect.py. One SCardConnect attempt, timed,
// whose answer is the observation every scenario judges.
import type { ReaderSelector } from '../cli/options.js';
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { isEnvironmentCode } from '../cli/errors.js';
import { withReader } from './session.js';

export type ContenderEvent = { type: 'using'; reader: string } | { type: 'attempt'; reader: string; mode: ShareMode };

export interface ContendOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  protocol: ProtocolChoice;
  onEvent?: (event: ContenderEvent) => void;
  /** Waited for after the context is open and before the attempt. */
  beforeAttempt?: () => Promise<void>;
}

export type ContendResult =
  | { ok: true; reader: string; mode: ShareMode; protocol: string; latencyMs: number }
  | { ok: false; reader: string; mode: ShareMode; error: PcscError; latencyMs: number };

export function contend(options: ContendOptions): Promise<ContendResult> {
  const emit = options.onEvent ?? (() => {});
  return withReader(options.reader, async (context, reader) => {
    emit({ type: 'using', reader });
    await options.beforeAttempt?.();
    emit({ type: 'attempt', reader, mode: options.mode });
    const started = performance.now();
    try {
      const connection = await context.connect(reader, options.mode, options.protocol);
      const latencyMs = performance.now() - started;
      await connection.disconnect('leave');
      return { ok: true, reader, mode: options.mode, protocol: connection.protocolName, latencyMs };
    } catch (error) {
      const latencyMs = performance.now() - started;
      // An answer from SCardConnect is the observation; a missing card or service is not.
      if (error instanceof PcscError && !isEnvironmentCode(error.code)) {
        return { ok: false, reader, mode: options.mode, error, latencyMs };
      }
      throw error;
    }
  });
}
