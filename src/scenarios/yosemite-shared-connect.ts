// Targets Apple bug 21703315: on OS X Yosemite 10.10.4 a SHARED SCardConnect
// blocked until the other application holding a shared connection let go.
// It is the shared-holder, shared-contender cell of the share-mode matrix.
import { SHARED_CONNECT_BLOCKS, SUCCESS } from './outcomes.js';
import type { Scenario } from './types.js';

export const yosemiteSharedConnect: Scenario = {
  id: 'yosemite-shared-connect',
  title: 'Shared connect while another process holds a shared connection',
  summary: 'SCardConnect(SHARED) must succeed at once while another process holds SCARD_SHARE_SHARED',
  holder: { mode: 'shared' },
  contender: { act: [{ call: 'SCardConnect', mode: 'shared' }] },
  judge: { role: 'contender' },
  // Measured on pcsc-lite 1.9.9; the meaning of SCARD_SHARE_SHARED on Windows and macOS.
  expected: { 'linux-pcsclite': SUCCESS, macos: SUCCESS, windows: SUCCESS },
  signatures: [SHARED_CONNECT_BLOCKS],
};
