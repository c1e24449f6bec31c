// `--virtual`: the built-in virtual card, inserted into the vpcd reader for the
// duration of a command, so the main job runs on a machine with no hardware.
import { settlesWithin } from '../core/bounded-wait.js';
import { EnvironmentError } from '../core/errors.js';
import { hint } from '../platform/hints.js';
import { insertVirtualCard, VPCD_DEFAULT_PORT, type VpcdUnavailableError } from '../virtual-card/vpcd-card.js';

export const VIRTUAL_READER_NAME = 'Virtual PCD 00 00';

export async function withBuiltInCard<T>(timeoutSeconds: number, work: () => Promise<T>): Promise<T> {
  const card = await insertVirtualCard({ port: VPCD_DEFAULT_PORT }).catch((error: VpcdUnavailableError) => {
    throw new EnvironmentError(`--virtual: ${error.message}`, hint(error.busy ? 'vpcdBusy' : 'noVpcd'));
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
