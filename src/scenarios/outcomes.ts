// The outcomes scenarios are written in, and signatures more than one scenario shares.
import { YOSEMITE_SHARED_CONNECT_BLOCKS } from './known-bugs.js';
import type { Outcome, Signature } from './types.js';

export const SUCCESS: Outcome = { kind: 'success' };
export const BLOCKED: Outcome = { kind: 'blocked' };
/** Any answer, as long as the call did not wait: what a source says of a call that "does not block". */
export const ANSWERED: Outcome = { kind: 'answered' };
export const error = (name: string): Outcome => ({ kind: 'error', name });
export const SHARING_VIOLATION = error('SCARD_E_SHARING_VIOLATION');
export const RESET_CARD = error('SCARD_W_RESET_CARD');
export const REMOVED_CARD = error('SCARD_W_REMOVED_CARD');

/** Yosemite 10.10.4: a SHARED connect waits while another application uses the card; only that call waiting is its signature. */
export const SHARED_CONNECT_BLOCKS: Signature = {
  observed: { kind: 'blocked', call: 'SCardConnect', mode: 'shared' },
  bug: YOSEMITE_SHARED_CONNECT_BLOCKS,
};
