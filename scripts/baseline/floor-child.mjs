// One connect through the `pcsclite` binding, the leanest way it allows: a
// CardReader for the known reader name, no reader listing and no status
// thread. See floor-parent.mjs.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('pcsclite/package.json'));
const { CardReader } = require('bindings')({ bindings: 'pcsclite', module_root: root });
const reader = new CardReader('Virtual PCD 00 00');
reader._connect(process.argv[2] === 'exclusive' ? 1 : 2, 3, (error) => {
  if (!error) reader._disconnect(0, () => {});
});
