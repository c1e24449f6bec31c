// What the user sees while --wait-card waits for a card to be inserted.
import { displayName } from './display-name.js';
import { startProgress } from './spinner.js';

export function waitingText(reader: string, seconds: number): string {
  return `waiting up to ${seconds} s for a card in ${displayName(reader)}`;
}

/** A spinner for the wait (on a terminal only); the returned function stops it. */
export function startWaitingSpinner(reader: string, seconds: number): () => void {
  const spinner = startProgress(waitingText(reader, seconds));
  return () => void spinner.then((s) => s.stop());
}
