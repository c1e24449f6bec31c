// node-pcsclite 1.0.1's CardReader.close() races the reader's status thread:
// the thread sends its report (uv_async_send), unlocks, and only then checks
// whether it should stop (CardReader::HandlerFunction). A close() that lands
// in between ends the thread without the report that closes its libuv handle
// (HandleReaderStatusChange closes it only on a report marked as the last),
// and the process can never end on its own. The adapter notices (the reader
// never says `end`) and counts it here, so that an entry that has done its
// work can end the process itself instead of hanging.
let leftOpen = 0;

export function noteHandleLeftOpen(): void {
  leftOpen++;
}

/** How many native handles the binding could not close: while any is open, the process does not end by itself. */
export function handlesLeftOpen(): number {
  return leftOpen;
}
