// A direct connection talks to the reader, not the card: no protocol is
// negotiated. MSDN documents SCARD_PROTOCOL_UNDEFINED for SCardConnect in
// SCARD_SHARE_DIRECT, and pcsc-lite's UnitaryTests/SCardConnect_DIRECT.py
// checks that SCardReconnect to direct keeps it, on a card that was just
// reset or inserted. Measured on pcsc-lite 1.9.9: a direct connection reports
// the protocol the card already runs, if another connection negotiated one
// (the choice of pcsc-lite revision 4940, not to negotiate again), and
// SCARD_PROTOCOL_UNDEFINED once the card was powered off. So the contender
// powers the card off first.
//
// Windows has no expectation here. Microsoft's SCardConnect says of
// SCARD_SHARE_DIRECT: "This application is allocating the reader for its
// private use, and will be controlling it directly. No other applications are
// allowed access to it." The contender's first step, a SHARED connect while
// the holder holds DIRECT, is then refused, and the judged direct connect is
// never made: the run can only end inconclusive there, whatever the
// protocol. (The share-direct-* cells of the matrix judge that refusal.)
//
// macOS: PCSC.framework refuses an SCardConnect whose dwPreferredProtocols
// has no T0, T1 or RAW bit with SCARD_E_PROTO_MISMATCH, whatever the share
// mode (Apple SmartCardServices, src/PCSC/winscard.c, right after the NULL
// checks; jnasmartcardio issue 29 saw it on 10.11), so sc-repro asks for
// T0|T1 there. The same SCardConnect then negotiates nothing in DIRECT mode and
// reports the reader state's protocol: the card's, when a connection
// negotiated one, and SCARD_PROTOCOL_UNSET (0, the value of UNDEFINED)
// otherwise. Which one a card shows after another process powered it off is
// not documented, so the macOS expectation is success with whichever
// protocol: the card's protocol is not a deviation there.
import { SHARED_CONNECT_BLOCKS, SUCCESS } from './outcomes.js';
import type { Outcome, Scenario, Step } from './types.js';

const UNDEFINED = { kind: 'success', protocol: 'undefined' } as const;
/** macOS: a DIRECT connect, asked for T0|T1, succeeds with the card's protocol (or UNSET when none was negotiated). */
export const MACOS_DIRECT_CONNECT: Outcome = SUCCESS;
const POWERED_OFF: Step[] = [
  { call: 'SCardConnect', mode: 'shared' },
  { call: 'SCardDisconnect', disposition: 'unpower' },
];

export const directConnectProtocol: Scenario = {
  id: 'direct-connect-protocol-undefined',
  title: 'Direct connect to a card that is powered off',
  summary: 'SCardConnect(DIRECT) succeeds with SCARD_PROTOCOL_UNDEFINED while another process holds a direct connection',
  holder: { mode: 'direct' },
  contender: { act: [...POWERED_OFF, { call: 'SCardConnect', mode: 'direct' }] },
  judge: { role: 'contender' },
  expected: { 'linux-pcsclite': UNDEFINED, macos: MACOS_DIRECT_CONNECT },
  // The shared connect that powers the card off meets the direct holder, as in the Yosemite bug.
  signatures: [SHARED_CONNECT_BLOCKS],
};

export const directReconnectProtocol: Scenario = {
  id: 'direct-reconnect-keeps-protocol-undefined',
  title: 'Reconnect in direct mode',
  summary: 'SCardReconnect(DIRECT) on a direct connection keeps SCARD_PROTOCOL_UNDEFINED',
  holder: { mode: 'direct' },
  contender: {
    act: [...POWERED_OFF, { call: 'SCardConnect', mode: 'direct' }, { call: 'SCardReconnect', mode: 'direct', initialization: 'leave' }],
  },
  judge: { role: 'contender' },
  // Apple's SCardReconnect has the same protocol check and reports the reader state's protocol in DIRECT mode too (winscard.c).
  expected: { 'linux-pcsclite': UNDEFINED, macos: MACOS_DIRECT_CONNECT },
  signatures: [SHARED_CONNECT_BLOCKS],
};

export const DIRECT_MODE: readonly Scenario[] = [directConnectProtocol, directReconnectProtocol];
