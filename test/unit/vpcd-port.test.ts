import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VPCD_DEFAULT_PORT, VPCD_PORT_ENV, vpcdPortFromEnv } from '../../src/virtual-card/vpcd-card.js';

test('--virtual uses vpcd port 35963 unless SC_REPRO_VPCD_PORT names another', () => {
  assert.equal(VPCD_PORT_ENV, 'SC_REPRO_VPCD_PORT');
  assert.equal(VPCD_DEFAULT_PORT, 35963);
  assert.equal(vpcdPortFromEnv({}), 35963);
  assert.equal(vpcdPortFromEnv({ SC_REPRO_VPCD_PORT: '' }), 35963);
  assert.equal(vpcdPortFromEnv({ SC_REPRO_VPCD_PORT: '36200' }), 36200);
  assert.equal(vpcdPortFromEnv({ SC_REPRO_VPCD_PORT: ' 1 ' }), 1);
  assert.equal(vpcdPortFromEnv({ SC_REPRO_VPCD_PORT: '65535' }), 65535);
});

test('a SC_REPRO_VPCD_PORT that is not a TCP port is refused, never taken as the default', () => {
  for (const value of ['0', '65536', '-1', '36200.5', '1e4', '0x8CA0', 'port', '36 200']) {
    assert.equal(vpcdPortFromEnv({ SC_REPRO_VPCD_PORT: value }), null, value);
  }
});
