import type { ReaderSelector } from '../cli/options.js';
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { contend, type ContenderEvent } from '../roles/contender.js';
import { roleChannel } from '../roles/ipc.js';
import { serveContender } from '../roles/served-roles.js';
import { EXIT } from '../cli/exit-codes.js';
import { startWaitingSpinner } from '../render/card-wait.js';
import { interruptSignal } from '../cli/run-command.js';
import { connectResultJson, renderConnectResult, renderContenderEvent } from '../render/connect-text.js';

export interface ConnectCommandOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  protocol: ProtocolChoice;
  json: boolean;
  /** Kept warm by the orchestrator: attempt on each request (IPC) instead of once. */
  serve?: boolean;
  /** With no card in the reader, wait this long for one. */
  waitCardSeconds?: number;
}

export async function connectCommand(options: ConnectCommandOptions): Promise<number> {
  if (options.serve) return serveContender(options.reader, options.waitCardSeconds);
  const interrupt = interruptSignal();
  const channel = roleChannel();
  const onEvent = (event: ContenderEvent) => {
    channel.send(event);
    if (!options.json) process.stdout.write(renderContenderEvent(event));
  };
  try {
    const result = await interrupt.race(
      contend({
        reader: options.reader,
        mode: options.mode,
        protocol: options.protocol,
        onEvent,
        // The spinner (a terminal only, never with --json) lasts as long as the wait.
        cardWait: { waitCardSeconds: options.waitCardSeconds, onWaitingForCard: options.json ? undefined : startWaitingSpinner },
      }),
      'before SCardConnect returned',
    );
    const json = connectResultJson(result);
    channel.send({ type: 'result', ...json });
    process.stdout.write(options.json ? `${JSON.stringify(json)}\n` : renderConnectResult(result));
    return result.ok ? EXIT.ok : EXIT.pcscError;
  } finally {
    channel.close();
  }
}
