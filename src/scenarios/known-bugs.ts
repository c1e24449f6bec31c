// Known bugs: what a deviation is the signature of. Records only; which
// outcome points at which bug is declared by each scenario.
import type { KnownBug } from './types.js';

export const EL_CAPITAN_SCARDCONNECT: KnownBug = {
  id: 'apple-23646838',
  title: 'SCardConnect() returns SCARD_E_PROTO_MISMATCH instead of SCARD_E_SHARING_VIOLATION',
  vendor: 'Apple',
  vendorBug: '23646838',
  duplicateOf: '22575831',
  affects: 'OS X 10.11 El Capitan',
  fixedIn: 'macOS Sierra 10.12.0',
  reference: 'https://blog.apdu.fr/posts/2015/11/os-x-el-capitan-bug-scardconnect/',
};

export const YOSEMITE_SHARED_CONNECT_BLOCKS: KnownBug = {
  id: 'apple-21703315',
  title: 'PC/SC SCardConnect() blocks in SCARD_SHARE_SHARED mode',
  vendor: 'Apple',
  vendorBug: '21703315',
  affects: 'OS X 10.10.4 Yosemite',
  reference: 'https://blog.apdu.fr/posts/2015/07/os-x-yosemite-bug-scardconnect-blocks/',
};

export const EL_CAPITAN_RESET_NOT_REPORTED: KnownBug = {
  id: 'apple-23574394',
  title: 'SCARD_W_RESET_CARD not returned by SCardTransmit()',
  vendor: 'Apple',
  vendorBug: '23574394',
  affects: 'OS X 10.11 El Capitan',
  reference: 'https://blog.apdu.fr/posts/2015/11/os-x-el-capitan-bug-scardwresetcard-not/',
};
