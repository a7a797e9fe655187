// PortMapping documents -> mapping records, and entry ids.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { records, throwsCase } from '../testing/harness.js';

test('ids parse and print', () => {
  assert.deepEqual(records.parseId(' 203.0.113.9:40001 '), ['203.0.113.9', 40001]);
  assert.equal(records.showId('203.0.113.9', 40001), '203.0.113.9:40001');
  assert.deepEqual(records.parseId('[2001:db8::9]:443'), ['2001:db8::9', 443]);
  assert.equal(records.showId('2001:db8::9', 443), '[2001:db8::9]:443');
  for (const bad of ['203.0.113.9', '203.0.113.9:', ':80', '203.0.113.9:0', '203.0.113.9:70000', '2001:db8::9:443',
    '[2001:db8::9]443', '[2001:db8::9', '1.2.3.4:+80']) {
    throwsCase(() => records.parseId(bad), 'invalid-input', { field: 'id' });
  }
});

test('a SIM entry becomes a record', () => {
  const doc = {
    ipAddress: '203.0.113.9', port: 40001, endpoint: '203.0.113.9:40001',
    hostname: 'p-203-0-113-9.napter.soracom.io',
    destination: { simId: '8942', port: 22, destinationChoosingStrategy: 'ARC_PRIORITIZED' },
    source: { ipRanges: ['198.51.100.0/24'] },
    duration: 3600, tlsRequired: false,
    createdTime: 1714557600000, expiredTime: 1714561200500,
    expired: false, simId: '8942', operatorId: 'OP0012345678',
  };
  const m = records.mapping(doc);
  assert.equal(m.id, '203.0.113.9:40001');
  assert.equal(m.parentId, '8942'); // the SIM the entry forwards to
  assert.equal(m.kind, 'port-mapping');
  assert.deepEqual([m.state, m.providerState], ['available', 'active']);
  assert.equal(m.source, 'p-203-0-113-9.napter.soracom.io:40001');
  assert.equal(m.destination, 'sim:8942:22');
  assert.deepEqual(m.allowedNetworks, ['198.51.100.0/24']);
  assert.deepEqual(m.labels, []);
  assert.equal(m.createdAt, '2024-05-01T10:00:00Z');
  assert.equal(m.expiresAt, '2024-05-01T11:00:00.500Z');
  assert.deepEqual(JSON.parse(m.raw), doc);
});

test('an expired IMSI entry without a hostname', () => {
  const m = records.mapping({
    ipAddress: '2001:db8::5', port: 50000.0,
    destination: { imsi: '440101234567890', port: 80, destinationChoosingStrategy: 'IMSI_PRIORITIZED' },
    expired: true, imsi: '440101234567890',
  });
  assert.equal(m.id, '[2001:db8::5]:50000');
  assert.deepEqual([m.state, m.providerState], ['inactive', 'expired']);
  assert.equal(m.source, '[2001:db8::5]:50000');
  assert.equal(m.destination, 'imsi:440101234567890:80');
  assert.deepEqual(m.allowedNetworks, []);
  assert.equal(m.createdAt, undefined);
});

test('timestamps', () => {
  assert.equal(records.rfc3339FromMs(0), '1970-01-01T00:00:00Z');
  assert.equal(records.rfc3339FromMs(951_782_400_000), '2000-02-29T00:00:00Z');
  assert.equal(records.rfc3339FromMs(-1), '1969-12-31T23:59:59.999Z');
  assert.equal(records.rfc3339FromMs(4_102_444_799_000), '2099-12-31T23:59:59Z');
  assert.equal(records.rfc3339FromMs(1e20), undefined);
});
