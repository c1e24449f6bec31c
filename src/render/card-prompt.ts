// What the person at the terminal reads when a scenario needs the card taken
// out of a real reader, or put back.
import { displayName } from './display-name.js';

export type CardRequest = 'remove' | 'insert';

export function cardPromptText(request: CardRequest, reader: string, secondsLeft: number): string {
  const action = request === 'remove' ? 'Take the card out of' : 'Put the card back into';
  return `${action} ${displayName(reader)} now (${secondsLeft} s left)`;
}
