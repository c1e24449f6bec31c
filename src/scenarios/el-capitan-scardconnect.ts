// Targets Apple bug 23646838: on OS X El Capitan a SHARED SCardConnect on a
// reader that another process holds EXCLUSIVE returned SCARD_E_PROTO_MISMATCH.
// It is the exclusive-holder, shared-contender cell of the share-mode matrix.
import { EL_CAPITAN_SCARDCONNECT } from './known-bugs.js';
import { SHARING_VIOLATION, error } from './outcomes.js';
import type { Scenario } from './types.js';

export const elCapitanScardConnect: Scenario = {
  id: 'el-capitan-scardconnect',
  title: 'Shared connect while another process holds the reader exclusively',
  summary: 'SCardConnect(SHARED) must return SCARD_E_SHARING_VIOLATION while another process holds SCARD_SHARE_EXCLUSIVE',
  holder: { mode: 'exclusive' },
  contender: { act: [{ call: 'SCardConnect', mode: 'shared' }] },
  judge: { role: 'contender' },
  expected: {
    // Measured on pcsc-lite 1.9.9; documented for Windows; the behaviour of macOS from Sierra 10.12.0 on.
    'linux-pcsclite': SHARING_VIOLATION,
    macos: SHARING_VIOLATION,
    windows: SHARING_VIOLATION,
  },
  signatures: [{ observed: error('SCARD_E_PROTO_MISMATCH'), bug: EL_CAPITAN_SCARDCONNECT }],
};
