// The built-in virtual card: a client of the vsmartcard `vpcd` reader driver.
// vpcd listens (127.0.0.1:35963 for "Virtual PCD 00 00"); the card is
// "inserted" for as long as this TCP connection stays open.
import { connect } from 'node:net';
import { epochMs } from '../core/bounded-wait.js';
import { quickAck } from './quick-ack.js';

export const VPCD_DEFAULT_HOST = '127.0.0.1';
export const VPCD_DEFAULT_PORT = 35963;
/**
 * Where `--virtual` inserts its card when not 35963: a private pcscd (another
 * pcsc-lite release, say) whose vpcd entry listens on another port. The CLI's
 * `--vpcd-port` sets it, as `--binding` sets the binding's variable.
 */
export const VPCD_PORT_ENV = 'SC_REPRO_VPCD_PORT';

/** The vpcd port named by the environment, or the default; null when the value is not a TCP port. */
export function vpcdPortFromEnv(env: Record<string, string | undefined>): number | null {
  const value = env[VPCD_PORT_ENV];
  if (value === undefined || value === '') return VPCD_DEFAULT_PORT;
  const port = Number(value);
  return /^\d+$/.test(value.trim()) && port >= 1 && port <= 65_535 ? port : null;
}
/** A minimal ISO 7816-3 ATR that announces T=0 and T=1 (TCK included). */
export const VIRTUAL_CARD_ATR = Buffer.from([0x3b, 0x80, 0x80, 0x01, 0x01]);

const CONTROL = { powerOff: 0, powerOn: 1, reset: 2, getAtr: 4 } as const;
const POWER_KINDS: Readonly<Record<number, PowerChange['kind']>> = {
  [CONTROL.powerOff]: 'off',
  [CONTROL.powerOn]: 'on',
  [CONTROL.reset]: 'reset',
};

/** The reader powered the card off, on, or reset it; `at` is when the card heard of it (epochMs). */
export interface PowerChange {
  kind: 'off' | 'on' | 'reset';
  at: number;
}

export interface VirtualCardOptions {
  host?: string;
  port?: number;
  atr?: Buffer;
  /** Answers an APDU; the default answers 90 00 to everything. */
  respond?: (apdu: Buffer) => Buffer;
}

export interface VirtualCard {
  readonly atr: Buffer;
  /** Removes the card (closes the connection to vpcd). */
  remove(): Promise<void>;
  /** Resolves when vpcd drops the connection or remove() is called. */
  readonly closed: Promise<void>;
  /** Resolves when the reader first asks for the ATR: pcscd has seen this card. */
  readonly seenByReader: Promise<void>;
  /**
   * Every power change the reader made, in order. A card only hears of them:
   * which process's call caused one is for the caller to tell from the time.
   */
  readonly powerChanges: readonly PowerChange[];
}

/** Splits vpcd's stream into frames: 2-byte big-endian length, then payload. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= 2) {
      const length = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + length) break;
      frames.push(this.pending.subarray(2, 2 + length));
      this.pending = this.pending.subarray(2 + length);
    }
    return frames;
  }
}

export function encodeFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(2);
  header.writeUInt16BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** What the card sends back for one vpcd frame, or null when vpcd expects no answer. */
export function answerFrame(frame: Buffer, atr: Buffer, respond: (apdu: Buffer) => Buffer): Buffer | null {
  if (frame.length === 1) {
    return frame[0] === CONTROL.getAtr ? atr : null;
  }
  return respond(frame);
}

const okStatusWord = () => Buffer.from([0x90, 0x00]);

/**
 * How long vpcd may take to talk to a new card. It accepts one card per
 * reader: a second one connects into the listen queue and is never served,
 * so silence past this means another card program holds the reader.
 */
export const VPCD_ACCEPT_MS = 3000;

/** Another card program holds the vpcd reader (or nothing listens at all). */
export class VpcdUnavailableError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly busy: boolean,
    cause: string,
  ) {
    super(
      busy
        ? `the vpcd reader at ${host}:${port} did not take the card within ${VPCD_ACCEPT_MS / 1000} s: another card program holds it`
        : `cannot reach the vpcd reader driver at ${host}:${port} (${cause})`,
    );
  }
}

/** Inserts the virtual card; resolves once vpcd talks to it, the first sign that the reader took it. */
export function insertVirtualCard(options: VirtualCardOptions = {}): Promise<VirtualCard> {
  const host = options.host ?? VPCD_DEFAULT_HOST;
  const port = options.port ?? VPCD_DEFAULT_PORT;
  const atr = options.atr ?? VIRTUAL_CARD_ATR;
  const respond = options.respond ?? okStatusWord;

  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const decoder = new FrameDecoder();
    const powerChanges: PowerChange[] = [];
    const closed = new Promise<void>((resolveClosed) => socket.once('close', () => resolveClosed()));
    let markSeen = () => {};
    const seenByReader = new Promise<void>((resolveSeen) => (markSeen = resolveSeen));
    const card: VirtualCard = {
      atr,
      closed,
      seenByReader,
      powerChanges,
      remove: () => {
        socket.destroy();
        return closed;
      },
    };
    const fail = (error: VpcdUnavailableError) => {
      clearTimeout(silence);
      socket.destroy();
      reject(error);
    };
    // Nothing listening is refused at once; silence means a listener that serves someone else.
    const silence = setTimeout(() => fail(new VpcdUnavailableError(host, port, true, 'no answer')), VPCD_ACCEPT_MS);

    socket.setNoDelay(true);
    socket.once('connect', () => quickAck(socket));
    socket.once('error', (error) => fail(new VpcdUnavailableError(host, port, false, error.message)));
    socket.on('data', (chunk) => {
      quickAck(socket);
      for (const frame of decoder.push(chunk)) {
        if (frame.length === 1 && frame[0] === CONTROL.getAtr) markSeen();
        const power = frame.length === 1 ? POWER_KINDS[frame[0]!] : undefined;
        // Stamped before the answer: vpcd waits for the ATR after a power-up, so the call that caused it has not returned yet.
        if (power) powerChanges.push({ kind: power, at: epochMs() });
        const answer = answerFrame(frame, atr, respond);
        if (answer) socket.write(encodeFrame(answer));
      }
    });
    // The first frame, once answered, is vpcd taking the card.
    socket.once('data', () => {
      clearTimeout(silence);
      // A later socket error means the card was pulled; `closed` reports it.
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve(card);
    });
  });
}
