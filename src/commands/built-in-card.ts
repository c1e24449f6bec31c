// `--virtual`: the built-in virtual card, inserted into the vpcd reader for the
// duration of a command, so the main job runs on a machine with no hardware.
import { settlesWithin } from '../core/bounded-wait.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { hint } from '../platform/hints.js';
import type { CardControl } from '../orchestrator/run-types.js';
import { lookUntil, Observer, type ReaderView } from '../orchestrator/observer.js';
import { selectReader } from '../pcsc/select-reader.js';
import {
  insertVirtualCard,
  VPCD_PORT_ENV,
  type VirtualCard,
  type VirtualCardOptions,
  type VpcdUnavailableError,
  vpcdPortFromEnv,
} from '../virtual-card/vpcd-card.js';

export const VIRTUAL_READER_NAME = 'Virtual PCD 00 00';

/** How long pcscd may take to notice the built-in card come or go. */
const CARD_CHANGE_MS = 5000;

/** The built-in card into vpcd; a vpcd that is missing or serves another card is the environment, with what to do. */
export function insertBuiltInCard(options: VirtualCardOptions, forRun = false): Promise<VirtualCard> {
  return insertVirtualCard(options).catch((error: VpcdUnavailableError) => {
    const busy = forRun ? 'vpcdBusyForRun' : 'vpcdBusy';
    throw new EnvironmentError(`${forRun ? '--virtual: ' : ''}${error.message}`, hint(error.busy ? busy : 'noVpcd'));
  });
}

/** Runs `work` with the built-in card in the reader; `work` may take it out and put it back. */
export async function withBuiltInCard<T>(timeoutSeconds: number, work: (card: CardControl) => Promise<T>): Promise<T> {
  const port = vpcdPortFromEnv(process.env);
  if (port === null) throw new UsageError(`${VPCD_PORT_ENV} expects a TCP port from 1 to 65535, got '${process.env[VPCD_PORT_ENV]}'`);
  const insert = () => insertBuiltInCard({ port }, true);
  let card: VirtualCard | null = await insert();
  const control: CardControl = {
    withinMs: CARD_CHANGE_MS,
    // The card in the reader now: a card put back starts a log of its own, after the runs that took it out.
    powerChanges: () => card?.powerChanges ?? [],
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
    await untilPresent(timeoutSeconds);
    return await work(control);
  } finally {
    await card?.remove();
  }
}

/**
 * Until a third party sees the card present in the reader. pcscd asks the
 * card for its ATR before its reader state says present: a role connecting in
 * between (the roles start with the process, see src/cli/early-roles.ts)
 * would get SCARD_E_NO_SMARTCARD. The look is the observer's (instant views
 * on a context of its own), not a context of the binding: the npm addon's
 * status threads can keep the process alive when closed just as one reports
 * (node-pcsclite 1.0.1, CardReader::Close), and this one is closed right as
 * the card arrives.
 */
async function untilPresent(timeoutSeconds: number): Promise<void> {
  const observer = await Observer.open();
  try {
    // The reader the run will use: chosen by part of its name, as `--virtual` chooses it (a platform may add to the name).
    const reader = selectReader(observer.readers(), { name: VIRTUAL_READER_NAME });
    const present = (seen: ReaderView) => seen.flags.includes('PRESENT');
    if (!present(await lookUntil(observer, reader, present, timeoutSeconds * 1000)))
      throw new EnvironmentError(
        `--virtual: the built-in card was inserted, but the PC/SC service did not show it present in ${JSON.stringify(reader)} within ${timeoutSeconds} s`,
      );
  } finally {
    observer.close();
  }
}
