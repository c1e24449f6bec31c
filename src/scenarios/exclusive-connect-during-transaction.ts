// Exclusive connect while another process holds a PC/SC transaction. The
// answer differs by platform, which is why expectations are per platform:
// pcsc-lite makes SCardConnect wait until the transaction ends (measured on
// 1.9.9: success 2.26 s later, when the holder let go); OS X El Capitan
// answered SCARD_E_SHARING_VIOLATION at once (per the El Capitan write-up).
import { BLOCKED, SHARING_VIOLATION } from './outcomes.js';
import type { Scenario } from './types.js';

export const exclusiveConnectDuringTransaction: Scenario = {
  id: 'exclusive-connect-during-transaction',
  title: 'Exclusive connect while another process holds a transaction',
  summary: 'SCardConnect(EXCLUSIVE) while another process is inside SCardBeginTransaction on a shared connection',
  holder: { mode: 'shared', transaction: true },
  contender: { act: [{ call: 'SCardConnect', mode: 'exclusive' }] },
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': BLOCKED, macos: SHARING_VIOLATION },
  signatures: [],
};
