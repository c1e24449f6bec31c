import type { ReaderStatus } from '../pcsc/binding.js';
import { out } from './style.js';
import { displayName } from './display-name.js';

/** The `pcsc_scan -r` view: index, name, card state, ATR. */
export function renderReaders(statuses: readonly ReaderStatus[]): string {
  return statuses
    .map((status, index) => {
      const card = status.cardPresent ? out.green('card present') : out.dim('no card');
      const flags = status.flags.filter((flag) => flag !== 'PRESENT' && flag !== 'EMPTY');
      const atr = status.atr ? `  ATR: ${status.atr}` : '';
      return `${index}: ${displayName(status.reader)}\n   ${card}${flags.length ? ` [${flags.join(' ')}]` : ''}${atr}\n`;
    })
    .join('');
}
