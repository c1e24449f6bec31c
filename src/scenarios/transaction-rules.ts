// What a PC/SC transaction may and may not do across processes, after
// pcsc-lite's UnitaryTests. Expectations are pcsc-lite's, measured here and
// matching what those tests check; other platforms have no reference.
import { error, SHARED_CONNECT_BLOCKS, SHARING_VIOLATION, SUCCESS } from './outcomes.js';
import { PCSC_LITE_END_TRANSACTION_WITHOUT_BEGIN, PCSC_LITE_REFUSED_UNPOWER_STILL_UNPOWERS } from './known-bugs.js';
import type { Scenario } from './types.js';

const SHARED = { call: 'SCardConnect', mode: 'shared' } as const;

/** SCardBeginTransaction_Reset.py: a handle that does not own the transaction may not end it by unpowering the card. */
export const endTransactionUnpowerNotOwner: Scenario = {
  id: 'end-transaction-unpower-not-owner',
  title: 'SCardEndTransaction(SCARD_UNPOWER_CARD) on a handle that does not own the transaction',
  summary: "Ending another process's transaction with SCARD_UNPOWER_CARD must be refused with SCARD_E_SHARING_VIOLATION",
  holder: { mode: 'shared', transaction: true },
  contender: { before: [SHARED], act: [{ call: 'SCardEndTransaction', disposition: 'unpower' }] },
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': SHARING_VIOLATION },
  signatures: [{ observed: SUCCESS, bug: PCSC_LITE_END_TRANSACTION_WITHOUT_BEGIN, platforms: ['linux-pcsclite'] }],
};

/** SCardBeginTransaction_Reset.py, second half: the owner's card was not reset by that refused call. */
export const ownerNotResetByForeignUnpower: Scenario = {
  id: 'owner-not-reset-by-foreign-unpower',
  title: "The transaction owner's card state after another handle asked to unpower it",
  summary:
    "After a refused SCardEndTransaction(SCARD_UNPOWER_CARD) from another process, the owner's SCardStatus must succeed, not say SCARD_W_RESET_CARD",
  holder: { mode: 'shared', transaction: true },
  // Refused on a correct stack: asking is what matters here.
  contender: { before: [SHARED], act: [{ call: 'SCardEndTransaction', disposition: 'unpower', anyAnswer: true }] },
  judge: { role: 'holder', step: { call: 'SCardStatus' } },
  expected: { 'linux-pcsclite': SUCCESS },
  signatures: [{ observed: error('SCARD_W_RESET_CARD'), bug: PCSC_LITE_REFUSED_UNPOWER_STILL_UNPOWERS, platforms: ['linux-pcsclite'] }],
};

/** SCardEndTransaction_extra_call.py: one SCardEndTransaction too many is an error. */
export const endTransactionExtraCall: Scenario = {
  id: 'end-transaction-extra-call',
  title: 'A second SCardEndTransaction for one SCardBeginTransaction',
  summary: 'SCardEndTransaction called more times than SCardBeginTransaction must fail (SCARD_E_NOT_TRANSACTED on pcsc-lite)',
  holder: { mode: 'shared' },
  contender: {
    act: [
      SHARED,
      { call: 'SCardBeginTransaction' },
      { call: 'SCardEndTransaction', disposition: 'leave' },
      { call: 'SCardEndTransaction', disposition: 'leave' },
    ],
  },
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': error('SCARD_E_NOT_TRANSACTED') },
  // The contender's shared connect meets a shared holder, as in the Yosemite bug.
  signatures: [{ observed: SUCCESS, bug: PCSC_LITE_END_TRANSACTION_WITHOUT_BEGIN, platforms: ['linux-pcsclite'] }, SHARED_CONNECT_BLOCKS],
};

/** SCardBeginTransaction_SharedMode.py: the owner ends its transaction while another process's SCardBeginTransaction waits for it. */
export const transactionEndsWhileOtherWaits: Scenario = {
  id: 'transaction-ends-while-other-waits',
  title: "SCardEndTransaction while another process's SCardBeginTransaction waits",
  summary:
    'The owner ends its transaction while another process waits to begin one: the owner gets SCARD_S_SUCCESS, never a sharing violation',
  holder: { mode: 'shared', transaction: true },
  contender: { before: [SHARED], act: [{ call: 'SCardBeginTransaction' }] },
  judge: { role: 'holder', step: { call: 'SCardEndTransaction', disposition: 'leave' }, whileContenderWaits: true },
  expected: { 'linux-pcsclite': SUCCESS },
  signatures: [],
};

/** SCardBeginTransaction_ExclusiceMode.py: once the handles that took part in a transaction are gone, the reader is free. */
export const exclusiveConnectAfterTransaction: Scenario = {
  id: 'exclusive-connect-after-transaction',
  title: 'Exclusive connect once the handles of a transaction are gone',
  summary: 'SCardConnect(EXCLUSIVE) must succeed once the process that held a transaction has disconnected',
  holder: { mode: 'shared', transaction: true },
  contender: { act: [{ call: 'SCardConnect', mode: 'exclusive' }] },
  contenderActsAfterRelease: true,
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': SUCCESS },
  signatures: [],
};

export const TRANSACTION_RULES: readonly Scenario[] = [
  endTransactionUnpowerNotOwner,
  ownerNotResetByForeignUnpower,
  endTransactionExtraCall,
  transactionEndsWhileOtherWaits,
  exclusiveConnectAfterTransaction,
];
