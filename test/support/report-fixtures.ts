// What reports are built from, fixed so that rendering tests compare exact text: the environment, and one run.
import type { Environment } from '../../src/platform/environment.js';
import type { RunResult } from '../../src/orchestrator/run-types.js';
import type { Judgement } from '../../src/scenarios/verdict.js';

export const ENVIRONMENT: Environment = {
  os: 'Debian GNU/Linux',
  osVersion: '12 (bookworm), kernel 6.1.0',
  platform: 'linux',
  arch: 'x64',
  node: 'v20.20.2',
  scRepro: '0.1.0',
  binding: {
    name: 'pcsclite',
    version: '1.0.1',
    library: 'libpcsclite.so.1',
    layout: 'pcsclite',
    roles: { holder: 'pcsclite', contender: 'pcsclite' },
  },
  osBuild: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-1',
  pcscService: 'pcsc-lite version 1.9.9.\nEnabled features: Linux x86_64-pc-linux-gnu libsystemd serial usb libudev',
  pcscClient: 'libpcsclite1 1.9.9-2',
  debugLog: 'run `sudo pcscd --foreground --debug --apdu`',
  unavailable: {},
};

const SHARING_VIOLATION = { kind: 'error', name: 'SCARD_E_SHARING_VIOLATION' } as const;

/**
 * The two answers the fixtures observe, each with its code and the judgement for el-capitan-scardconnect on pcsc-lite,
 * written out rather than asked of the product: test/unit/verdict.test.ts is where judge() itself is checked.
 */
const ANSWERS: Record<string, { code: number; hex: string; judgement: Judgement }> = {
  SCARD_E_SHARING_VIOLATION: {
    code: 0x8010000b,
    hex: '0x8010000B',
    judgement: {
      verdict: 'not-affected',
      expected: SHARING_VIOLATION,
      knownBug: null,
      reason: 'the stack answered SCARD_E_SHARING_VIOLATION, as expected',
    },
  },
  SCARD_E_PROTO_MISMATCH: {
    code: 0x8010000f,
    hex: '0x8010000F',
    judgement: {
      verdict: 'bug-reproduced',
      expected: SHARING_VIOLATION,
      knownBug: {
        id: 'apple-23646838',
        title: 'SCardConnect() returns SCARD_E_PROTO_MISMATCH instead of SCARD_E_SHARING_VIOLATION',
        vendor: 'Apple',
        vendorBug: '23646838',
        duplicateOf: '22575831',
        affects: 'OS X 10.11 El Capitan',
        fixedIn: 'macOS Sierra 10.12.0',
        reference: 'https://blog.apdu.fr/posts/2015/11/os-x-el-capitan-bug-scardconnect/',
      },
      reason:
        'SCARD_E_PROTO_MISMATCH is the signature of Apple bug 23646838: SCardConnect() returns SCARD_E_PROTO_MISMATCH instead of SCARD_E_SHARING_VIOLATION',
    },
  },
};

/** One run of el-capitan-scardconnect that observed `name` (SCARD_E_SHARING_VIOLATION or SCARD_E_PROTO_MISMATCH), on `reader`, judged for pcsc-lite. */
export function fixtureRun(name: string, reader: string, message = 'Sharing violation.'): RunResult {
  const answer = ANSWERS[name];
  if (!answer) throw new Error(`no fixture for ${name}: add its code and judgement to ANSWERS`);
  const outcome = { kind: 'error', name } as const;
  return {
    ...structuredClone(answer.judgement),
    outcome,
    observed: { ok: false, code: answer.code, hex: answer.hex, name, message, call: 'SCardConnect' },
    reader: { name: reader, atr: '3B 80 80 01 01' },
    timeline: {
      holderStarted: 1,
      readerHeld: 120.5,
      contenderStarted: 130,
      attempt: 250,
      answer: 252,
      holderReleased: 260,
      holdMs: 140,
      connectLatencyMs: 1.8,
      totalMs: 270,
    },
    evidence: {
      precondition: 'observer',
      readerStateWhileHeld: ['PRESENT', 'EXCLUSIVE'],
      holderHeldThroughAnswer: true,
      attemptInsideHold: true,
      blocked: null,
    },
    hint: null,
    notes: [],
    calls: [],
    environmentLost: false,
  };
}
