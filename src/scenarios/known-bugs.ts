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
  // The High Sierra status post lists it among the PC/SC bugs "now fixed in Sierra".
  fixedIn: 'macOS Sierra',
  reference: 'https://blog.apdu.fr/posts/2015/11/os-x-el-capitan-bug-scardwresetcard-not/',
};

// Card state reported by other calls. Sources: the PC/SC maintainer's posts
// on OS X and macOS bugs (blog.apdu.fr), each naming the Apple bug report; a
// fixed-in version only where a post says so.

/** El Capitan: after a removal and reinsertion RESET instead of REMOVED; after another application powered the card off UNPOWERED instead of RESET. Still open in 2018. */
export const EL_CAPITAN_BEGIN_TRANSACTION_CODES: KnownBug = {
  id: 'apple-23900844',
  title: 'SCardBeginTransaction() returns different error codes than on GNU/Linux and Windows',
  vendor: 'Apple',
  vendorBug: '23900844',
  affects: 'OS X 10.11 El Capitan (still open with macOS 10.13 High Sierra)',
  reference: 'https://blog.apdu.fr/posts/2015/12/os-x-el-capitan-bug-scardbegintransacti/',
};

export const YOSEMITE_BEGIN_TRANSACTION_AFTER_RESET: KnownBug = {
  id: 'apple-19263926',
  title: 'SCardBeginTransaction() succeeds after another context reset the card, instead of returning SCARD_W_RESET_CARD',
  vendor: 'Apple',
  vendorBug: '19263926',
  duplicateOf: '18689292',
  affects: 'OS X 10.10 Yosemite',
  reference: 'https://ludovicrousseau.blogspot.com/2014/12/os-x-yosemite-bug-scardbegintransaction.html',
};

export const YOSEMITE_STATUS_AFTER_RESET: KnownBug = {
  id: 'apple-19264087',
  title: 'SCardStatus() succeeds after another context reset the card, instead of returning SCARD_W_RESET_CARD',
  vendor: 'Apple',
  vendorBug: '19264087',
  duplicateOf: '18689292',
  affects: 'OS X 10.10 Yosemite',
  reference: 'https://ludovicrousseau.blogspot.com/2014/12/os-x-yosemite-bug-scardstatus-after.html',
};

export const HIGH_SIERRA_TRANSMIT_AFTER_REINSERTION: KnownBug = {
  id: 'apple-44638067',
  title: 'SCardTransmit() returns SCARD_W_RESET_CARD instead of SCARD_W_REMOVED_CARD after the card was removed and inserted again',
  vendor: 'Apple',
  vendorBug: '44638067',
  duplicateOf: '23900844',
  affects: 'macOS 10.13 High Sierra',
  reference: 'https://blog.apdu.fr/posts/2018/09/macos-highsierra-bug-scardtransmit/',
};

export const HIGH_SIERRA_END_TRANSACTION_AFTER_REINSERTION: KnownBug = {
  id: 'apple-44672548',
  title: 'SCardEndTransaction() returns SCARD_W_RESET_CARD instead of SCARD_W_REMOVED_CARD after the card was removed and inserted again',
  vendor: 'Apple',
  vendorBug: '44672548',
  duplicateOf: '23900844',
  affects: 'macOS 10.13 High Sierra',
  reference: 'https://blog.apdu.fr/posts/2018/09/macos-highsierra-bug/',
};

// pcsc-lite's own history, measured with private daemons of each release and
// traced with `git bisect run` (docs/compatibility.md). pcsc-lite had no bug
// tracker entry for these: `vendorBug` is the commit that fixed each one.

export const PCSC_LITE_STATUS_TRANSMIT_DO_NOT_WAIT: KnownBug = {
  id: 'pcsc-lite-c7cd36bd',
  title: "SCardStatus() and SCardTransmit() do not wait for another process's transaction",
  vendor: 'pcsc-lite',
  vendorBug: 'c7cd36bd',
  affects: 'pcsc-lite 1.5.5 and earlier (measured 1.4.102 to 1.5.5)',
  // ChangeLog 1.6.0: "Make SCardReconnect(), SCardStatus() and SCardTransmit() block instead of returning SCARD_E_SHARING_VIOLATION immediately."
  fixedIn: 'pcsc-lite 1.6.0',
  reference: 'https://github.com/LudovicRousseau/PCSC/commit/c7cd36bd165f386755aa71af9e6c28fc93f3bf45',
};

export const PCSC_LITE_END_TRANSACTION_WITHOUT_BEGIN: KnownBug = {
  id: 'pcsc-lite-ccc1571e',
  title: 'SCardEndTransaction() with no matching transaction of its own answers success',
  vendor: 'pcsc-lite',
  vendorBug: 'ccc1571e',
  affects: 'pcsc-lite 1.8.8 and earlier (measured 1.4.102 to 1.8.8)',
  // ChangeLog 1.8.9: "SCardEndTransaction(): Return an error if is called with no corresponding SCardBeginTransaction()".
  fixedIn: 'pcsc-lite 1.8.9',
  reference: 'https://github.com/LudovicRousseau/PCSC/commit/ccc1571ed38131a76a328046fc151b636a974b54',
};

export const PCSC_LITE_REFUSED_UNPOWER_STILL_UNPOWERS: KnownBug = {
  id: 'pcsc-lite-74656f24',
  title: 'A refused SCardEndTransaction(SCARD_UNPOWER_CARD) from another handle still unpowers the card',
  vendor: 'pcsc-lite',
  vendorBug: '74656f24',
  affects: 'pcsc-lite 1.8.16 and earlier (measured 1.4.102 to 1.8.16)',
  // The 1.8.17 ChangeLog has no entry of its own for this commit (docs/compatibility.md).
  fixedIn: 'pcsc-lite 1.8.17',
  reference: 'https://github.com/LudovicRousseau/PCSC/commit/74656f24db3da1532040a1775ceffa225fbc3d00',
};
