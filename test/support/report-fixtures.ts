// What reports are built from, fixed so that rendering tests compare exact text: the environment, and one run.
import type { Environment } from '../../src/platform/environment.js';
import type { RunResult } from '../../src/orchestrator/run-scenario.js';
import { formatHex, returnCodeByName } from '../../src/pcsc/return-codes.js';
import { elCapitanScardConnect } from '../../src/scenarios/el-capitan-scardconnect.js';
import { judge } from '../../src/scenarios/verdict.js';

export const ENVIRONMENT: Environment = {
  os: 'Debian GNU/Linux',
  osVersion: '12 (bookworm), kernel 6.1.0',
  platform: 'linux',
  arch: 'x64',
  node: 'v20.20.2',
  scRepro: '0.1.0',
  binding: { name: 'pcsclite', version: '1.0.1', library: 'libpcsclite.so.1', layout: 'pcsclite', roles: { holder: 'pcsclite', contender: 'pcsclite' } },
  osBuild: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-1',
  pcscService: 'pcsc-lite version 1.9.9.\nEnabled features: Linux x86_64-pc-linux-gnu libsystemd serial usb libudev',
  pcscClient: 'libpcsclite1 1.9.9-2',
  debugLog: 'run `sudo pcscd --foreground --debug --apdu`',
  unavailable: {},
};

/** One run of el-capitan-scardconnect that observed `name` (an error code), on `reader`, judged for pcsc-lite. */
export function fixtureRun(name: string, reader: string, message = 'Sharing violation.'): RunResult {
  const outcome = { kind: 'error', name } as const;
  const code = returnCodeByName(name)?.code ?? 0x8010000b;
  return {
    ...judge(elCapitanScardConnect, outcome, 'linux-pcsclite'),
    outcome,
    observed: { ok: false, code, hex: formatHex(code), name, message, call: 'SCardConnect' },
    reader: { name: reader, atr: '3B 80 80 01 01' },
    timeline: { holderStarted: 1, readerHeld: 120.5, contenderStarted: 130, attempt: 250, answer: 252, holderReleased: 260, holdMs: 140, connectLatencyMs: 1.8, totalMs: 270 },
    evidence: { precondition: 'observer', readerStateWhileHeld: ['PRESENT', 'EXCLUSIVE'], holderHeldThroughAnswer: true, attemptInsideHold: true, blocked: null },
    hint: null,
    notes: [],
    calls: [],
    environmentLost: false,
  };
}
