// A card handle of the ffi binding: SCardConnect's result and every call the
// catalog makes on it. Calls that may reach the card, or wait for another
// process, run on koffi's worker thread (LibraryApi.call): a process that
// also plays the virtual card must keep answering it.
import type { CardStatus, Connection } from './binding.js';
import { DISPOSITIONS, SHARE_MODES, formatAtr, type Disposition, type ProtocolChoice, type ShareMode } from './constants.js';
import { cardStateBits } from './ffi-layouts.js';
import type { LibraryApi } from './ffi-library.js';

/** The longest response APDU (256 data bytes and SW1 SW2), with room for an extended length. */
const RESPONSE_SIZE = 65_538;
const READER_NAME_SIZE = 1024;

export class FfiConnection implements Connection {
  private open = true;
  private protocol: number;
  /** SCardTransmit's reply buffer, kept for the connection's next transmit: filling 64 KiB each call would cost more than the call. */
  private receiveBuffer: Buffer | undefined;

  constructor(
    private readonly api: LibraryApi,
    private readonly handle: unknown,
    protocol: number,
    private readonly onClosed: () => void,
  ) {
    this.protocol = protocol;
  }

  get protocolName(): string {
    return this.api.protocolName(this.protocol);
  }

  async transmit(apdu: Buffer): Promise<Buffer> {
    const { dword, handle } = this.api.types;
    const { ioRequest } = this.api.structs;
    const fn = this.api.fn(
      'SCardTransmit',
      `${handle} card, const ${ioRequest} *sendPci, const uint8_t *send, ${dword} sendLength, ${ioRequest} *recvPci, uint8_t *recv, _Inout_ ${dword} *recvLength`,
    );
    // Not zero-filled: only the reply's own bytes, as many as the call says, are read and copied out.
    const response = this.receiveBuffer ?? Buffer.allocUnsafe(RESPONSE_SIZE);
    // A transmit that overlaps this one gets a buffer of its own.
    this.receiveBuffer = undefined;
    try {
      const length = [response.length];
      const pci = { dwProtocol: this.protocol, cbPciLength: this.api.koffi.sizeof(ioRequest) };
      await this.api.call(fn, 'SCardTransmit', this.handle, pci, apdu, apdu.length, null, response, length);
      return Buffer.from(response.subarray(0, length[0]));
    } finally {
      this.receiveBuffer = response;
    }
  }

  beginTransaction(): Promise<void> {
    return this.api.call(this.api.fn('SCardBeginTransaction', `${this.api.types.handle} card`), 'SCardBeginTransaction', this.handle);
  }

  endTransaction(disposition: Disposition): Promise<void> {
    const { dword, handle } = this.api.types;
    return this.api.call(
      this.api.fn('SCardEndTransaction', `${handle} card, ${dword} disposition`),
      'SCardEndTransaction',
      this.handle,
      DISPOSITIONS[disposition],
    );
  }

  async status(): Promise<CardStatus> {
    const { dword, handle } = this.api.types;
    const fn = this.api.fn(
      'SCardStatus',
      `${handle} card, uint8_t *reader, _Inout_ ${dword} *readerLength, _Out_ ${dword} *state, _Out_ ${dword} *protocol, uint8_t *atr, _Inout_ ${dword} *atrLength`,
      true,
    );
    const reader = this.api.textBuffer(READER_NAME_SIZE);
    const readerLength = [READER_NAME_SIZE];
    const state = [0];
    const protocol = [0];
    const atr = Buffer.alloc(this.api.layout.atrSize);
    const atrLength = [atr.length];
    await this.api.call(fn, 'SCardStatus', this.handle, reader, readerLength, state, protocol, atr, atrLength);
    return {
      reader: this.api.multiString(reader, readerLength[0]!)[0] ?? '',
      state: cardStateBits(this.api.layout, state[0]!),
      protocol: this.api.protocolName(protocol[0]!),
      atr: formatAtr(atr.subarray(0, atrLength[0])),
    };
  }

  async reconnect(mode: ShareMode, protocol: ProtocolChoice, initialization: Disposition): Promise<string> {
    const { dword, handle } = this.api.types;
    const fn = this.api.fn(
      'SCardReconnect',
      `${handle} card, ${dword} share, ${dword} protocols, ${dword} initialization, _Out_ ${dword} *active`,
    );
    const active = [0];
    await this.api.call(
      fn,
      'SCardReconnect',
      this.handle,
      SHARE_MODES[mode],
      this.api.protocolMask(mode, protocol),
      DISPOSITIONS[initialization],
      active,
    );
    this.protocol = active[0]!;
    return this.protocolName;
  }

  async getAttribute(attribute: number): Promise<Buffer> {
    const { dword, handle } = this.api.types;
    const fn = this.api.fn('SCardGetAttrib', `${handle} card, ${dword} attribute, uint8_t *value, _Inout_ ${dword} *length`);
    // The size first: pcsc-lite refuses a buffer larger than its message can carry.
    const length = [0];
    await this.api.call(fn, 'SCardGetAttrib', this.handle, attribute, null, length);
    const value = Buffer.alloc(length[0]!);
    await this.api.call(fn, 'SCardGetAttrib', this.handle, attribute, value, length);
    return value.subarray(0, length[0]);
  }

  async disconnect(disposition: Disposition): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const { dword, handle } = this.api.types;
    try {
      await this.api.call(
        this.api.fn('SCardDisconnect', `${handle} card, ${dword} disposition`),
        'SCardDisconnect',
        this.handle,
        DISPOSITIONS[disposition],
      );
    } finally {
      this.onClosed();
    }
  }
}
