// Run as a process of its own (`node --import tsx pcsc-layer-probe.ts`):
// sc-repro's pcsc layer, as the environment sets it up (SC_REPRO_BINDING,
// SC_REPRO_PCSC_LIBRARY, SC_REPRO_FFI_LAYOUT), on the virtual reader that
// holds a card: what it lists, what SCardStatus says, and the error of an
// attribute the vpcd driver does not have. Prints one JSON object.
import { binding } from '../../src/pcsc/load-binding.js';
import { ATTRIBUTES } from '../../src/pcsc/constants.js';
import { PcscError } from '../../src/pcsc/pcsc-error.js';

const loaded = await binding();
const context = await loaded.openContext();
try {
  const readers = await context.listReaders();
  const reader = readers.find((name) => name.startsWith('Virtual PCD 00 00'));
  if (!reader) throw new Error(`no virtual reader in ${JSON.stringify(readers)}`);
  const connection = await context.connect(reader, 'shared', 'any', { calls: ['status', 'attribute'] });
  const status = await connection.status();
  // vpcd's driver has no SCARD_ATTR_ATR_STRING: pcsc-lite answers 0x8010001F, which each platform names its own way.
  const attribute = await connection.getAttribute(ATTRIBUTES.SCARD_ATTR_ATR_STRING).then(
    (value) => ({ value: value.toString('hex') }),
    (error: unknown) => {
      const pcsc = PcscError.from(error);
      return pcsc ? { code: pcsc.code, name: pcsc.scardName } : { thrown: String(error) };
    },
  );
  await connection.disconnect('leave');
  process.stdout.write(JSON.stringify({ info: loaded.info, readers, status, attribute }));
} finally {
  await context.close();
}
