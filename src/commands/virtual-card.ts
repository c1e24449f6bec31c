import { insertVirtualCard, VPCD_DEFAULT_HOST } from '../virtual-card/vpcd-card.js';
import { formatAtr } from '../pcsc/constants.js';
import { interruptSignal } from '../cli/run-command.js';
import { EnvironmentError } from '../cli/errors.js';
import { EXIT } from '../cli/exit-codes.js';

export async function virtualCardCommand(options: { port: number; host?: string }): Promise<number> {
  const interrupt = interruptSignal();
  const host = options.host ?? VPCD_DEFAULT_HOST;
  const card = await insertVirtualCard({ host, port: options.port }).catch((error: Error) => {
    throw new EnvironmentError(
      `cannot reach the vpcd reader driver at ${host}:${options.port} (${error.message})`,
      'install vsmartcard-vpcd and restart pcscd so it loads the "Virtual PCD" reader (sudo scripts/setup.sh does both)',
    );
  });
  process.stdout.write(`Virtual card inserted into vpcd at ${host}:${options.port} (ATR ${formatAtr(card.atr)}). Ctrl-C removes it.\n`);
  const removedBy = await Promise.race([
    card.closed.then(() => 'vpcd' as const),
    new Promise<'signal'>((resolve) => interrupt.signal.addEventListener('abort', () => resolve('signal'))),
  ]);
  await card.remove();
  process.stdout.write(removedBy === 'vpcd' ? 'vpcd closed the connection: card removed.\n' : 'Card removed.\n');
  // Ctrl-C is how this command is meant to end, so it is a success.
  return removedBy === 'vpcd' ? EXIT.environment : EXIT.ok;
}
