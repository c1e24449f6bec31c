import type { AttemptResult, ContenderEvent } from '../roles/contender.js';
import { SCARD_SHARE_NAMES } from '../pcsc/constants.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import type { Judgement } from '../scenarios/verdict.js';
import { out } from './style.js';
import { oneLine } from './errors.js';
import { displayName } from './display-name.js';

export function renderContenderEvent(event: ContenderEvent): string {
  return `Using: ${displayName(event.reader)}\n`;
}

/**
 * What the answer means if another process holds the reader exclusively, as
 * `sc-repro lock` does by default. connect cannot see how the reader is held,
 * so every reading is said under that condition.
 */
export function interpretation(result: AttemptResult, judgement: Judgement): string {
  switch (judgement.verdict) {
    case 'not-affected':
      return 'If another process holds the reader exclusively (as `sc-repro lock` does by default), this is the correct answer.';
    case 'bug-reproduced': {
      const bug = judgement.knownBug!;
      return `If another process holds the reader exclusively, this is the signature of ${bug.vendor} bug ${bug.vendorBug}: ${bug.title} (${bug.affects}).`;
    }
    case 'unexpected':
      return result.judged.rv === 0
        ? 'Connected: no other process holds this reader exclusively (if one does, exclusivity is not enforced).'
        : `If another process holds the reader exclusively, this is neither the expected ${judgement.expected?.kind === 'error' ? judgement.expected.name : 'answer'} nor a known bug signature.`;
    default:
      return 'This platform has no reference answer for this connect against an exclusive holder.';
  }
}

export function renderConnectResult(result: AttemptResult, judgement: Judgement): string {
  const call = `SCardConnect(${SCARD_SHARE_NAMES[result.mode]})`;
  const head =
    result.judged.rv === 0
      ? `${call} ${out.green('succeeded')} (protocol ${result.protocol})`
      : `${call} ${out.red('failed')}: ${out.bold(oneLine(PcscError.fromCode(result.judged.rv, result.judged.call).message))}`;
  return `${head}\n${out.dim(interpretation(result, judgement))}\n`;
}
