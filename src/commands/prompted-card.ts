// Card removal on a real reader: the scenario asks the person at the terminal,
// with a countdown, while the orchestrator watches the reader for the change.
import { isatty } from 'node:tty';
import type { CardControl } from '../orchestrator/run-types.js';
import { cardPromptText, type CardRequest } from '../render/card-prompt.js';
import type { Spinner } from '../render/spinner.js';

/** Long enough to reach the reader, short enough that an absent person ends the run. */
export const PERSON_CARD_CHANGE_MS = 30_000;

/** Someone can answer only when both the keyboard and the prompt are a terminal (asked of the descriptors: `process.stdin` would build a stream to ask). */
export function personAtTerminal(): boolean {
  return isatty(0) && isatty(2);
}

/**
 * `show` is the run's progress line when it spins; without one, each prompt is
 * one plain line on stderr (no countdown redraws in a log).
 */
export function promptedCard(progress: Spinner | undefined): CardControl {
  let countdown: NodeJS.Timeout | undefined;
  const ask = async (request: CardRequest, reader: string) => {
    const deadline = Date.now() + PERSON_CARD_CHANGE_MS;
    const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (!progress?.spinning) {
      process.stderr.write(`${cardPromptText(request, reader, secondsLeft())}\n`);
      return;
    }
    const show = () => progress.update(cardPromptText(request, reader, secondsLeft()));
    show();
    countdown = setInterval(show, 1000);
    countdown.unref();
  };
  return {
    withinMs: PERSON_CARD_CHANGE_MS,
    remove: (reader) => ask('remove', reader),
    insert: (reader) => ask('insert', reader),
    settled() {
      clearInterval(countdown);
      countdown = undefined;
    },
  };
}
