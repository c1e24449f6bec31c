import type { ContendResult, ContenderEvent } from '../roles/contender.js';
import { SCARD_SHARE_NAMES } from '../pcsc/constants.js';
import { DEFAULT_SCENARIO } from '../scenarios/catalog.js';
import { sameOutcome, type Outcome } from '../scenarios/types.js';
import { out } from './style.js';
import { oneLine } from './errors.js';
import { displayName } from './display-name.js';

export function renderContenderEvent(event: ContenderEvent): string {
  return event.type === 'using' ? `Using: ${displayName(event.reader)}\n` : '';
}

export function outcomeOf(result: ContendResult): Outcome {
  return result.ok ? { kind: 'success' } : { kind: 'error', name: result.error.scardName ?? result.error.hex };
}

export function connectResultJson(result: ContendResult) {
  const base = { ok: result.ok, reader: result.reader, mode: result.mode, latencyMs: Number(result.latencyMs.toFixed(3)) };
  return result.ok ? { ...base, protocol: result.protocol } : { ...base, error: result.error.toJSON() };
}

/**
 * What the answer means for the seed bug, read from the scenario's data: the
 * expected answer while another process holds the reader exclusively, or the
 * El Capitan signature.
 */
export function interpretation(result: ContendResult): string {
  const scenario = DEFAULT_SCENARIO;
  const observed = outcomeOf(result);
  if (result.ok) {
    return 'Connected: no other process holds this reader exclusively (if one does, exclusivity is not enforced).';
  }
  const expected = Object.values(scenario.expected).some((outcome) => sameOutcome(outcome, observed));
  if (expected) return 'This is the correct answer while another process holds the reader exclusively.';
  const signature = scenario.signatures.find((candidate) => sameOutcome(candidate.observed, observed));
  if (signature) {
    const bug = signature.bug;
    return `If another process holds the reader exclusively, this is the signature of ${bug.vendor} bug ${bug.vendorBug}: ${bug.title} (${bug.affects}).`;
  }
  return 'This is neither the expected sharing violation nor a known bug signature.';
}

export function renderConnectResult(result: ContendResult): string {
  const call = `SCardConnect(${SCARD_SHARE_NAMES[result.mode]})`;
  const head = result.ok
    ? `${call} ${out.green('succeeded')} (protocol ${result.protocol})`
    : `${call} ${out.red('failed')}: ${out.bold(oneLine(result.error.message))}`;
  return `${head}\n${out.dim(interpretation(result))}\n`;
}
