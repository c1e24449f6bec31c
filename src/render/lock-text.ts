import type { HolderEvent } from '../roles/holder.js';
import { SCARD_SHARE_NAMES } from '../pcsc/constants.js';
import { out } from './style.js';
import { startProgress } from './spinner.js';
import { displayName } from './display-name.js';

export function renderHolderEvent(event: HolderEvent): string {
  switch (event.type) {
    case 'using':
      return `Using: ${displayName(event.reader)}\n`;
    case 'held':
      return `Holding the reader with ${out.bold(SCARD_SHARE_NAMES[event.mode])} (protocol ${event.protocol})\n`;
    case 'released': {
      const why = { 'hold-elapsed': 'hold elapsed', requested: 'released on request', interrupted: 'interrupted' }[event.reason];
      return `Released with SCARD_LEAVE_CARD after ${(event.heldMs / 1000).toFixed(1)} s (${why})\n`;
    }
  }
}

/** A countdown on the stderr spinner while the card is held. */
export async function startCountdown() {
  const spinner = await startProgress('connecting');
  let timer: NodeJS.Timeout | undefined;
  return {
    waiting: (text: string) => spinner.update(text),
    start(holdMs: number) {
      const end = Date.now() + holdMs;
      const tick = () => spinner.update(`holding, ${Math.max(0, Math.ceil((end - Date.now()) / 1000))} s left (Ctrl-C releases now)`);
      tick();
      timer = setInterval(tick, 250);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      spinner.stop();
    },
  };
}
