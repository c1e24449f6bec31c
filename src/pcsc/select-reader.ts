// `--reader`: an index into the service's reader list, or part of a name.
import { EnvironmentError, UsageError } from '../core/errors.js';
import { hint } from '../platform/hints.js';

export type ReaderSelector = { index: number } | { name: string };

function listing(readers: readonly string[]): string {
  return readers.map((name, index) => `${index}: ${JSON.stringify(name)}`).join(', ');
}

/**
 * Picks one reader. An exact (case-insensitive) name wins over a partial one,
 * so "Virtual PCD 00 00" is not ambiguous with "Virtual PCD 00 01"; several
 * partial matches are bad usage rather than a silent first pick. A reader
 * that is not there, by index or by name, is the environment (it may be
 * unplugged), as a missing card is.
 */
export function selectReader(readers: readonly string[], selector: ReaderSelector = { index: 0 }): string {
  if (readers.length === 0) throw new EnvironmentError('no smart-card reader found', hint('noReader'));
  if ('index' in selector) {
    const name = readers[selector.index];
    if (name === undefined) {
      throw new EnvironmentError(
        `no reader ${selector.index}: there ${readers.length === 1 ? 'is 1' : `are ${readers.length}`}; readers: ${listing(readers)}`,
        hint('noReader'),
      );
    }
    return name;
  }
  const wanted = selector.name.toLowerCase();
  const exact = readers.filter((name) => name.toLowerCase() === wanted);
  if (exact.length === 1) return exact[0]!;
  const partial = readers.filter((name) => name.toLowerCase().includes(wanted));
  if (partial.length === 1) return partial[0]!;
  if (partial.length === 0) {
    throw new EnvironmentError(`no reader matches ${JSON.stringify(selector.name)}; readers: ${listing(readers)}`, hint('noReader'));
  }
  throw new UsageError(`--reader ${JSON.stringify(selector.name)} matches ${partial.length} readers; pick one: ${listing(partial)}`);
}
