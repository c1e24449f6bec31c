// SCardCancel ends a blocked SCardGetStatusChange on the same context with
// SCARD_E_CANCELLED (pcsc-lite's UnitaryTests/SCardCancel*.py; MSDN documents
// the same). The contender waits for a change of the reader while another
// process holds it, and cancels its own wait.
import { error } from './outcomes.js';
import type { Scenario } from './types.js';

const CANCELLED = error('SCARD_E_CANCELLED');

export const cancelBlockedStatusChange: Scenario = {
  id: 'cancel-blocked-status-change',
  title: 'SCardCancel of a waiting SCardGetStatusChange',
  summary: 'SCardCancel ends a blocked SCardGetStatusChange on the same context with SCARD_E_CANCELLED',
  holder: { mode: 'shared' },
  contender: { act: [{ call: 'SCardCancel' }] },
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': CANCELLED, windows: CANCELLED },
  signatures: [],
};
