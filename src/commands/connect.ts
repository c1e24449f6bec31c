import { EXIT } from '../core/exit-codes.js';
import { interruptSignal } from '../core/interrupt.js';
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import type { ReaderSelector } from '../pcsc/select-reader.js';
import { attemptJson, contend } from '../roles/contender.js';
import { outcomeOfCall } from '../scenarios/types.js';
import { judgeManualConnect } from '../scenarios/verdict.js';
import { startWaitingSpinner } from '../render/card-wait.js';
import { renderConnectResult, renderContenderEvent } from '../render/connect-text.js';
import { renderJson } from '../render/json.js';

export interface ConnectCommandOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  protocol: ProtocolChoice;
  json: boolean;
  /** With no card in the reader, wait this long for one. */
  waitCardSeconds?: number;
}

export async function connectCommand(options: ConnectCommandOptions): Promise<number> {
  const interrupt = interruptSignal();
  const result = await interrupt.race(
    contend({
      reader: options.reader,
      mode: options.mode,
      protocol: options.protocol,
      onEvent: (event) => options.json || process.stdout.write(renderContenderEvent(event)),
      // The spinner (a terminal only, never with --json) lasts as long as the wait.
      cardWait: { waitCardSeconds: options.waitCardSeconds, onWaitingForCard: options.json ? undefined : startWaitingSpinner },
    }),
    'before SCardConnect returned',
  );
  const judgement = judgeManualConnect(options.mode, outcomeOfCall(result.judged));
  const exitCode = result.judged.rv === 0 ? EXIT.ok : EXIT.failed;
  process.stdout.write(options.json ? renderJson('connect', exitCode, attemptJson(result)) : renderConnectResult(result, judgement));
  return exitCode;
}
