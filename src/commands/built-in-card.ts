// `--virtual`: the built-in virtual card, inserted into the vpcd reader for the
// duration of a command, so the main job runs on a machine with no hardware.
import { settlesWithin } from '../core/bounded-wait.js';
import { EnvironmentError } from '../core/errors.js';
import { hint } from '../platform/hints.js';
import type { CardControl } from '../orchestrator/run-scenario.js';
import {
  insertVirtualCard,
  VPCD_DEFAULT_PORT,
  type VirtualCard,
  type VirtualCardOptions,
  type VpcdUnavailableError,
} from '../virtual-card/vpcd-card.js';

export const VIRTUAL_READER_NAME = 'Virtual PCD 00 00';

/** How long pcscd may take to notice the built-in card come or go. */
const CARD_CHANGE_MS = 5000;

/** The built-in card into vpcd; a vpcd that is missing or serves another card is the environment, with what to do. */
export function insertBuiltInCard(options: VirtualCardOptions, prefix = ''): Promise<VirtualCard> {
  return insertVirtualCard(options).catch((error: VpcdUnavailableError) => {
    throw new EnvironmentError(`${prefix}${error.message}`, hint(error.busy ? 'vpcdBusy' : 'noVpcd'));
  });
}

/** Runs `work` with the built-in card in the reader; `work` may take it out and put it back. */
export async function withBuiltInCard<T>(timeoutSeconds: number, work: (card: CardControl) => Promise<T>): Promise<T> {
  const insert = () => insertBuiltInCard({ port: VPCD_DEFAULT_PORT }, '--virtual: ');
  let card: VirtualCard | null = await insert();
  const control: CardControl = {
    withinMs: CARD_CHANGE_MS,
    async remove() {
      await card?.remove();
      card = null;
    },
    async insert() {
      card ??= await insert();
    },
  };
  try {
    // pcscd asks a new card for its ATR when it detects it; until then the
    // reader may still show the previous run's card, or none.
    await settlesWithin(card.seenByReader, timeoutSeconds * 1000);
    return await work(control);
  } finally {
    await card?.remove();
  }
}
