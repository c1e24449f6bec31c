import type { Disposition } from './constants.js';

/** A card handle from SCardConnect, whichever library made it. */
export interface Connection {
  /** T0, T1, RAW, or `undefined` for a direct connection. */
  readonly protocolName: string;
  transmit(apdu: Buffer): Promise<Buffer>;
  beginTransaction(): Promise<void>;
  disconnect(disposition: Disposition): Promise<void>;
}

/** Options for SCardConnect beyond the share mode. */
export interface ConnectOptions {
  /** The connection will begin a transaction (SCardBeginTransaction). */
  transaction?: boolean;
}
