// Which calls wait while another process holds a PC/SC transaction: the
// table of pcsc-lite's UnitaryTests/SCardBlockingBehaviourTest.py. Both
// processes connect SHARED first; the holder then begins a transaction, and
// the contender makes one call on its own handle (or, for SCardConnect, on a
// new one).
//
// The test's own per-OS table: on Windows 7 and Linux, SCardReconnect,
// SCardTransmit, SCardStatus, SCardConnect and SCardBeginTransaction block and
// SCardGetAttrib does not; on Mac OS X 10.6 Snow Leopard only SCardConnect and
// SCardBeginTransaction block. "Does not block" says nothing of the code
// returned (the test accepts a sharing violation), hence `answered` there.
// pcsc-lite 1.9.9 measured here: every blocked call returns
// SCARD_S_SUCCESS once the transaction ends, and SCardGetAttrib answers at
// once with SCARD_E_SHARING_VIOLATION (which the test says is fine for a call
// that does not block).
import { PCSC_LITE_STATUS_TRANSMIT_DO_NOT_WAIT } from './known-bugs.js';
import { ANSWERED, BLOCKED, SHARING_VIOLATION, SUCCESS } from './outcomes.js';
import type { Scenario, Signature, Step } from './types.js';

interface Row {
  id: string;
  step: Step;
  /** The contender's handle is open before the transaction (all but SCardConnect). */
  prepared: boolean;
  linux: 'blocked' | 'refused';
  snowLeopardBlocks: boolean;
  /** What pcsc-lite before 1.6.0 answered instead of waiting (docs/compatibility.md). */
  beforeBlocking?: Signature['observed'];
}

const ROWS: Row[] = [
  {
    id: 'transaction-blocks-reconnect',
    step: { call: 'SCardReconnect', mode: 'shared', initialization: 'leave' },
    prepared: true,
    linux: 'blocked',
    snowLeopardBlocks: false,
  },
  {
    id: 'transaction-does-not-block-getattrib',
    step: { call: 'SCardGetAttrib', attribute: 'SCARD_ATTR_DEVICE_FRIENDLY_NAME_A' },
    prepared: true,
    linux: 'refused',
    snowLeopardBlocks: false,
  },
  {
    id: 'transaction-blocks-transmit',
    step: { call: 'SCardTransmit' },
    prepared: true,
    linux: 'blocked',
    snowLeopardBlocks: false,
    beforeBlocking: SHARING_VIOLATION,
  },
  {
    id: 'transaction-blocks-status',
    step: { call: 'SCardStatus' },
    prepared: true,
    linux: 'blocked',
    snowLeopardBlocks: false,
    beforeBlocking: SUCCESS,
  },
  {
    id: 'transaction-blocks-shared-connect',
    step: { call: 'SCardConnect', mode: 'shared' },
    prepared: false,
    linux: 'blocked',
    snowLeopardBlocks: true,
  },
  {
    id: 'transaction-blocks-begin-transaction',
    step: { call: 'SCardBeginTransaction' },
    prepared: true,
    linux: 'blocked',
    snowLeopardBlocks: true,
  },
];

function scenario(row: Row): Scenario {
  const call = row.step.call;
  const windows = row.linux === 'blocked' ? BLOCKED : ANSWERED;
  return {
    id: row.id,
    title: `${call} while another process holds a transaction`,
    summary: `${call} ${row.linux === 'blocked' ? 'waits until' : 'answers at once, before'} another process's SCardEndTransaction (SCardBlockingBehaviourTest)`,
    holder: { mode: 'shared', transaction: true },
    contender: { ...(row.prepared ? { before: [{ call: 'SCardConnect', mode: 'shared' } as const] } : {}), act: [row.step] },
    judge: { role: 'contender' },
    expected: {
      'linux-pcsclite': row.linux === 'blocked' ? BLOCKED : SHARING_VIOLATION,
      windows,
      macos: row.snowLeopardBlocks ? BLOCKED : ANSWERED,
    },
    signatures: row.beforeBlocking
      ? [{ observed: row.beforeBlocking, bug: PCSC_LITE_STATUS_TRANSMIT_DO_NOT_WAIT, platforms: ['linux-pcsclite'] }]
      : [],
  };
}

export const TRANSACTION_BLOCKING: readonly Scenario[] = ROWS.map(scenario);
