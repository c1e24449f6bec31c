import type { ReaderSelector } from '../cli/options.js';
import type { ProtocolChoice, ShareMode } from '../pcsc/constants.js';
import { contend, type ContenderEvent } from '../roles/contender.js';
import { roleChannel } from '../roles/ipc.js';
import { serveContender } from '../roles/served-roles.js';
import { EXIT } from '../cli/exit-codes.js';
import { connectResultJson, renderConnectResult, renderContenderEvent } from '../render/connect-text.js';

export interface ConnectCommandOptions {
  reader?: ReaderSelector;
  mode: ShareMode;
  protocol: ProtocolChoice;
  json: boolean;
  /** Kept warm by the orchestrator: attempt on each request (IPC) instead of once. */
  serve?: boolean;
}

export async function connectCommand(options: ConnectCommandOptions): Promise<number> {
  if (options.serve) return serveContender(options.reader);
  const channel = roleChannel();
  const onEvent = (event: ContenderEvent) => {
    channel.send(event);
    if (!options.json) process.stdout.write(renderContenderEvent(event));
  };
  try {
    const result = await contend({
      reader: options.reader,
      mode: options.mode,
      protocol: options.protocol,
      onEvent,
    });
    const json = connectResultJson(result);
    channel.send({ type: 'result', ...json });
    process.stdout.write(options.json ? `${JSON.stringify(json)}\n` : renderConnectResult(result));
    return result.ok ? EXIT.ok : EXIT.pcscError;
  } finally {
    channel.close();
  }
}
