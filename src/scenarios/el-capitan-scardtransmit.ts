// Targets Apple bug 23574394: on OS X El Capitan, after another process reset
// the card, the holder's next SCardTransmit succeeded (with a stale answer)
// instead of returning SCARD_W_RESET_CARD.
import { EL_CAPITAN_RESET_NOT_REPORTED } from './known-bugs.js';
import { RESET_CARD, SHARED_CONNECT_BLOCKS, SUCCESS } from './outcomes.js';
import type { Scenario } from './types.js';

export const elCapitanScardTransmit: Scenario = {
  id: 'el-capitan-scardtransmit',
  title: 'Transmit after another process reset the card',
  summary: "After another process disconnects with SCARD_RESET_CARD, the holder's next SCardTransmit must return SCARD_W_RESET_CARD",
  holder: { mode: 'shared', transmit: true },
  contender: {
    act: [
      { call: 'SCardConnect', mode: 'shared' },
      { call: 'SCardDisconnect', disposition: 'reset' },
    ],
  },
  judge: { role: 'holder', step: { call: 'SCardTransmit' } },
  // Measured on pcsc-lite 1.9.9; what the write-up expects of OS X; Windows documents the same warning.
  expected: { 'linux-pcsclite': RESET_CARD, macos: RESET_CARD, windows: RESET_CARD },
  // The contender's own shared connect meets a shared holder, as in the Yosemite bug.
  signatures: [{ observed: SUCCESS, bug: EL_CAPITAN_RESET_NOT_REPORTED }, SHARED_CONNECT_BLOCKS],
};
