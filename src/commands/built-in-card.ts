// `--virtual`: the built-in virtual card, inserted into the vpcd reader for the
// duration of a command, so the main job runs on a machine with no hardware.
import { EnvironmentError } from '../cli/errors.js';
import { insertVirtualCard, VPCD_DEFAULT_PORT } from '../virtual-card/vpcd-card.js';
import { settlesWithin } from '../orchestrator/settles-within.js';

export const VIRTUAL_READER_NAME = 'Virtual PCD 00 00';

export async function withBuiltInCard<T>(timeoutSeconds: number, work: () => Promise<T>): Promise<T> {
  const card = await insertVirtualCard({ port: VPCD_DEFAULT_PORT }).catch((error: Error) => {
    throw new EnvironmentError(
      `--virtual: cannot reach the vpcd reader driver on 127.0.0.1:${VPCD_DEFAULT_PORT} (${error.message})`,
      'install vsmartcard-vpcd and (re)start pcscd: `bash scripts/setup.sh --start-pcscd`',
    );
  });
  try {
    // pcscd asks a new card for its ATR when it detects it; until then the
    // reader may still show the previous run's card, or none.
    await settlesWithin(card.seenByReader, timeoutSeconds * 1000);
    return await work();
  } finally {
    await card.remove();
  }
}
