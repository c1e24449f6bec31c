// A direct connection talks to the reader, not the card: no protocol is
// negotiated. MSDN documents SCARD_PROTOCOL_UNDEFINED for SCardConnect in
// SCARD_SHARE_DIRECT, and pcsc-lite's UnitaryTests/SCardConnect_DIRECT.py
// checks that SCardReconnect to direct keeps it, on a card that was just
// reset or inserted. Measured on pcsc-lite 1.9.9: a direct connection reports
// the protocol the card already runs, if another connection negotiated one
// (the choice of pcsc-lite revision 4940, not to negotiate again), and
// SCARD_PROTOCOL_UNDEFINED once the card was powered off. So the contender
// powers the card off first.
import { SHARED_CONNECT_BLOCKS } from './outcomes.js';
import type { Scenario, Step } from './types.js';

const UNDEFINED = { kind: 'success', protocol: 'undefined' } as const;
const POWERED_OFF: Step[] = [{ call: 'SCardConnect', mode: 'shared' }, { call: 'SCardDisconnect', disposition: 'unpower' }];

export const directConnectProtocol: Scenario = {
  id: 'direct-connect-protocol-undefined',
  title: 'Direct connect to a card that is powered off',
  summary: 'SCardConnect(DIRECT) succeeds with SCARD_PROTOCOL_UNDEFINED while another process holds a direct connection',
  holder: { mode: 'direct' },
  contender: { act: [...POWERED_OFF, { call: 'SCardConnect', mode: 'direct' }] },
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': UNDEFINED, windows: UNDEFINED },
  // The shared connect that powers the card off meets the direct holder, as in the Yosemite bug.
  signatures: [SHARED_CONNECT_BLOCKS],
};

export const directReconnectProtocol: Scenario = {
  id: 'direct-reconnect-keeps-protocol-undefined',
  title: 'Reconnect in direct mode',
  summary: 'SCardReconnect(DIRECT) on a direct connection keeps SCARD_PROTOCOL_UNDEFINED',
  holder: { mode: 'direct' },
  contender: { act: [...POWERED_OFF, { call: 'SCardConnect', mode: 'direct' }, { call: 'SCardReconnect', mode: 'direct', initialization: 'leave' }] },
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': UNDEFINED },
  signatures: [SHARED_CONNECT_BLOCKS],
};

export const DIRECT_MODE: readonly Scenario[] = [directConnectProtocol, directReconnectProtocol];
