import type { KnownBug } from './types.js';

export const EL_CAPITAN_SCARDCONNECT: KnownBug = {
  id: 'apple-23646838',
  title: 'SCardConnect() returns SCARD_E_PROTO_MISMATCH instead of SCARD_E_SHARING_VIOLATION',
  vendor: 'Apple',
  vendorBug: '23646838',
  duplicateOf: '22575831',
  affects: 'OS X 10.11 El Capitan',
  fixedIn: 'macOS Sierra 10.12.0',
  reference: 'OS X El Capitan and smart cards: known bugs — "SCardConnect() returns SCARD_E_PROTO_MISMATCH instead of SCARD_E_SHARING_VIOLATION" (Ludovic Rousseau\'s blog)',
};
