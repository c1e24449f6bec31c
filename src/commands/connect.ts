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
  const waitCardMs = options.waitCardSeconds === undefined ? undefined : options.waitCardSeconds * 1000;
  if (options.serve) return serveContender(options.reader, waitCardMs);
  const interrupt = interruptSignal();
  const channel = roleChannel();
  const onEvent = (event: ContenderEvent) => {
    channel.send(event);
    if (!options.json) process.stdout.write(renderContenderEvent(event));
  };
  try {
    const result = await interrupt.race(
      contend({ reader: options.reader, mode: options.mode, protocol: options.protocol, onEvent, cardWait: { waitCardMs, onWaitingForCard: (reader) => showWaiting(reader, options) } }),
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

/** The spinner while waiting for a card; it ends with the wait. */
function showWaiting(reader: string, options: ConnectCommandOptions): () => void {
  if (options.json) return () => {};
  return startWaitingSpinner(reader, options.waitCardSeconds!);
}
