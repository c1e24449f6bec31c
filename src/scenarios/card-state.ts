// What the holder's next call reports after the card was reset, powered off,
// removed, or removed and inserted again while it held a handle. The known
// bugs are the PC/SC maintainer's records of OS X and macOS (blog.apdu.fr),
// whose posts give the answer of pcsc-lite and Windows; pcsc-lite 1.9.9 was
// measured here. With --virtual sc-repro takes the built-in card out and
// puts it back itself; with a real reader it asks the person at the terminal.
// Where the contender's shared connect meets the shared holder, that connect
// blocked on Yosemite 10.10.4 (Apple 21703315), which the scenario reports.
import {
  EL_CAPITAN_BEGIN_TRANSACTION_CODES,
  HIGH_SIERRA_END_TRANSACTION_AFTER_REINSERTION,
  HIGH_SIERRA_TRANSMIT_AFTER_REINSERTION,
  YOSEMITE_BEGIN_TRANSACTION_AFTER_RESET,
  YOSEMITE_STATUS_AFTER_RESET,
} from './known-bugs.js';
import { error, REMOVED_CARD, RESET_CARD, SHARED_CONNECT_BLOCKS, SUCCESS } from './outcomes.js';
import type { Scenario, Step } from './types.js';

const SHARED = { call: 'SCardConnect', mode: 'shared' } as const;
const disconnect = (disposition: 'reset' | 'unpower'): Step => ({ call: 'SCardDisconnect', disposition });

export const transmitAfterRemoval: Scenario = {
  id: 'transmit-after-card-removed',
  title: 'Transmit after the card was removed',
  summary: "The holder's SCardTransmit after its card was taken out must say the card was removed",
  holder: { mode: 'shared', transmit: true },
  contender: { act: [] },
  card: 'removed',
  judge: { role: 'holder', step: { call: 'SCardTransmit' } },
  expected: { 'linux-pcsclite': REMOVED_CARD },
  signatures: [],
};

export const beginTransactionAfterReinsertion: Scenario = {
  id: 'begin-transaction-after-card-reinserted',
  title: 'SCardBeginTransaction after the card was removed and inserted again',
  summary: "The holder's SCardBeginTransaction after its card was taken out and put back must return SCARD_W_REMOVED_CARD",
  holder: { mode: 'shared' },
  contender: { act: [] },
  card: 'removed-and-reinserted',
  judge: { role: 'holder', step: { call: 'SCardBeginTransaction' } },
  expected: { 'linux-pcsclite': REMOVED_CARD, windows: REMOVED_CARD },
  signatures: [{ observed: RESET_CARD, bug: EL_CAPITAN_BEGIN_TRANSACTION_CODES }],
};

export const beginTransactionAfterUnpower: Scenario = {
  id: 'begin-transaction-after-unpower',
  title: 'SCardBeginTransaction after another process powered the card off',
  summary: "After another process disconnects with SCARD_UNPOWER_CARD, the holder's SCardBeginTransaction must return SCARD_W_RESET_CARD",
  holder: { mode: 'shared' },
  contender: { act: [SHARED, disconnect('unpower')] },
  judge: { role: 'holder', step: { call: 'SCardBeginTransaction' } },
  expected: { 'linux-pcsclite': RESET_CARD, windows: RESET_CARD },
  signatures: [{ observed: error('SCARD_W_UNPOWERED_CARD'), bug: EL_CAPITAN_BEGIN_TRANSACTION_CODES }, SHARED_CONNECT_BLOCKS],
};

export const beginTransactionAfterReset: Scenario = {
  id: 'begin-transaction-after-reset',
  title: 'SCardBeginTransaction after another process reset the card',
  summary: "After another process disconnects with SCARD_RESET_CARD, the holder's SCardBeginTransaction must return SCARD_W_RESET_CARD",
  holder: { mode: 'shared' },
  contender: { act: [SHARED, disconnect('reset')] },
  judge: { role: 'holder', step: { call: 'SCardBeginTransaction' } },
  expected: { 'linux-pcsclite': RESET_CARD },
  signatures: [{ observed: SUCCESS, bug: YOSEMITE_BEGIN_TRANSACTION_AFTER_RESET }, SHARED_CONNECT_BLOCKS],
};

export const statusAfterReset: Scenario = {
  id: 'status-after-reset',
  title: 'SCardStatus after another process reset the card',
  summary: "After another process disconnects with SCARD_RESET_CARD, the holder's SCardStatus must return SCARD_W_RESET_CARD",
  holder: { mode: 'shared' },
  contender: { act: [SHARED, disconnect('reset')] },
  judge: { role: 'holder', step: { call: 'SCardStatus' } },
  expected: { 'linux-pcsclite': RESET_CARD },
  signatures: [{ observed: SUCCESS, bug: YOSEMITE_STATUS_AFTER_RESET }, SHARED_CONNECT_BLOCKS],
};

export const transmitAfterReinsertion: Scenario = {
  id: 'transmit-after-card-reinserted',
  title: 'Transmit after the card was removed and inserted again',
  summary: "The holder's SCardTransmit after its card was taken out and put back must return SCARD_W_REMOVED_CARD",
  holder: { mode: 'shared', transmit: true },
  contender: { act: [] },
  card: 'removed-and-reinserted',
  judge: { role: 'holder', step: { call: 'SCardTransmit' } },
  expected: { 'linux-pcsclite': REMOVED_CARD, windows: REMOVED_CARD },
  signatures: [{ observed: RESET_CARD, bug: HIGH_SIERRA_TRANSMIT_AFTER_REINSERTION }],
};

export const endTransactionAfterReinsertion: Scenario = {
  id: 'end-transaction-after-card-reinserted',
  title: 'SCardEndTransaction after the card was removed and inserted again during the transaction',
  summary:
    "The holder's SCardEndTransaction after its card was taken out and put back during its transaction must return SCARD_W_REMOVED_CARD",
  holder: { mode: 'shared', transaction: true },
  contender: { act: [] },
  card: 'removed-and-reinserted',
  judge: { role: 'holder', step: { call: 'SCardEndTransaction', disposition: 'leave' } },
  expected: { 'linux-pcsclite': REMOVED_CARD, windows: REMOVED_CARD },
  signatures: [{ observed: RESET_CARD, bug: HIGH_SIERRA_END_TRANSACTION_AFTER_REINSERTION }],
};

export const CARD_STATE: readonly Scenario[] = [
  beginTransactionAfterUnpower,
  beginTransactionAfterReset,
  statusAfterReset,
  transmitAfterRemoval,
  transmitAfterReinsertion,
  beginTransactionAfterReinsertion,
  endTransactionAfterReinsertion,
];
