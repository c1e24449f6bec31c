import { EXIT } from '../core/exit-codes.js';
import { interruptSignal } from '../core/interrupt.js';
import { formatAtr } from '../pcsc/constants.js';
import { insertBuiltInCard } from './built-in-card.js';

/** `host` and `port` come with the CLI's defaults. */
export async function virtualCardCommand(options: { port: number; host: string }): Promise<number> {
  const interrupt = interruptSignal();
  const { host, port } = options;
  const card = await insertBuiltInCard({ host, port });
  process.stdout.write(`Virtual card inserted into vpcd at ${host}:${port} (ATR ${formatAtr(card.atr)}). Ctrl-C removes it.\n`);
  const removedBy = await Promise.race([
    card.closed.then(() => 'vpcd' as const),
    new Promise<'signal'>((resolve) => interrupt.signal.addEventListener('abort', () => resolve('signal'))),
  ]);
  await card.remove();
  process.stdout.write(removedBy === 'vpcd' ? 'vpcd closed the connection: card removed.\n' : 'Card removed.\n');
  // Ctrl-C is how this command is meant to end, so it is a success.
  return removedBy === 'vpcd' ? EXIT.environment : EXIT.ok;
}
