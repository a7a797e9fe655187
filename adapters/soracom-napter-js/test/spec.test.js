// Mapping specs -> create bodies, and every refusal naming its field (the Rust adapter's cases).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mappingSpec, spec } from '../testing/harness.js';

function refused(s) {
  try {
    spec.parse(s);
  } catch (e) {
    assert.equal(e.payload?.tag, 'invalid-input', String(e));
    return e.payload.val;
  }
  assert.fail(`accepted ${JSON.stringify(s)}`);
}

test('a SIM destination with port and properties', () => {
  const body = spec.parse(
    mappingSpec('sim:8942310022000012345:22', '{"service": "arc", "duration": 3600, "tlsRequired": false}', [
      '203.0.113.0/24',
      ' 2001:db8::/32 ',
    ]),
  );
  assert.deepEqual(body, {
    destination: { simId: '8942310022000012345', service: 'arc', port: 22 },
    duration: 3600,
    source: { ipRanges: ['203.0.113.0/24', '2001:db8::/32'] },
    tlsRequired: false,
  });
  // Key order is the Rust adapter's, so the request bodies are byte for byte the same.
  assert.equal(
    JSON.stringify(body),
    '{"destination":{"simId":"8942310022000012345","service":"arc","port":22},"duration":3600,"source":{"ipRanges":["203.0.113.0/24","2001:db8::/32"]},"tlsRequired":false}',
  );
});

test('an IMSI from properties only', () => {
  const body = spec.parse(mappingSpec(undefined, '{"imsi": "440101234567890", "port": "80", "duration": "60", "tlsRequired": "true"}'));
  assert.deepEqual(body, { destination: { imsi: '440101234567890', port: 80 }, duration: 60, tlsRequired: true });
});

test('a SIM named twice must agree', () => {
  const s = mappingSpec(undefined, '{"port": 8080, "simId": "8942"}', [], { kind: 'port-mapping' });
  assert.deepEqual(spec.parse(s), { destination: { simId: '8942', port: 8080 } });
  s.destination = 'sim:8942:8080';
  spec.parse(s);
  s.destination = 'sim:9999:8080';
  const problem = refused(s);
  assert.equal(problem.message, '`destination` and `properties.simId` name different SIM ids (`9999` and `8942`)');
  assert.equal(problem.field, 'properties/simId');
});

test('every rule names its field', () => {
  const cases = [
    ['sim:1:22', '{"duration": 28801}', [], '`duration`', 'properties/duration'],
    ['sim:1:22', '{"duration": 0}', [], '`duration`', 'properties/duration'],
    ['sim:1:22', '{"duration": -5}', [], '`duration`', 'properties/duration'],
    ['sim:1:22', '{"duration": 1.5}', [], '`duration`', 'properties/duration'],
    ['sim:1:22', '{"duration": "soon"}', [], '`duration`', 'properties/duration'],
    ['sim:1:22', '{"duration": true}', [], '`duration`', 'properties/duration'],
    ['sim:1:0', '', [], '`port`', 'destination'],
    ['sim:1:65536', '', [], '`port`', 'destination'],
    ['sim:1', '{"port": -1}', [], '`port`', 'properties/port'],
    ['sim:1', '', [], 'missing `port`', 'destination'],
    [undefined, '{"port": 22}', [], 'missing `destination`', 'destination'],
    ['22', '', [], '`destination`', 'destination'],
    ['mac:1:22', '', [], '`destination`', 'destination'],
    ['sim::22', '', [], '`destination`', 'destination'],
    ['sim:1:22', '{"service": "beam"}', [], '`service`', 'properties/service'],
    ['imsi:4401:22', '{"service": "air"}', [], '`service`', 'properties/service'],
    ['sim:1:22', '{"imsi": "4401"}', [], '`destination` names both', 'destination'],
    ['sim:1:22', '{"port": 23}', [], 'different ports', 'properties/port'],
    ['sim:1:22', '{"tlsRequired": 1}', [], '`tlsRequired`', 'properties/tlsRequired'],
    ['sim:1:22', '{"simId": 5}', [], '`simId`', 'properties/simId'],
    ['sim:1:22', '{"durration": 5}', [], '`durration`', 'properties/durration'],
    ['sim:1:22', '{"toString": 5}', [], '`toString`', 'properties/toString'],
    ['sim:1:22', '[1]', [], '`properties`', 'properties'],
    ['sim:1:22', '{nope', [], '`properties`', 'properties'],
    ['sim:1:22', '', ['10.0.0.0'], '`allowed-networks`', 'allowed-networks'],
    ['sim:1:22', '', ['10.0.0.0/33'], '`allowed-networks`', 'allowed-networks'],
    ['sim:1:22', '', ['10.0.0.256/8'], '`allowed-networks`', 'allowed-networks'],
    ['sim:1:22', '', ['2001:db8::/129'], '`allowed-networks`', 'allowed-networks'],
    ['sim:1:22', '', ['10.0.0.0/x'], '`allowed-networks`', 'allowed-networks'],
    ['sim:1:22', '', ['example.com/24'], '`allowed-networks`', 'allowed-networks'],
    ['sim:1:22', '', ['fe80::1%eth0/64'], '`allowed-networks`', 'allowed-networks'],
  ];
  for (const [destination, properties, networks, text, field] of cases) {
    const problem = refused(mappingSpec(destination, properties, networks));
    assert.ok(problem.message.includes(text), `${destination} ${properties} ${networks}: ${problem.message}`);
    assert.equal(problem.field, field, `${destination} ${properties} ${networks}`);
    assert.equal(problem.status, undefined);
  }
  assert.equal(refused(mappingSpec('sim:1:22', '{}', [], { name: 'ssh' })).field, 'name');
  assert.equal(refused(mappingSpec('sim:1:22', '{}', [], { source: '198.51.100.1:22' })).field, 'source');
});

test('limits are inclusive', () => {
  const networks = ['0.0.0.0/0', '::/0', '::1/128', '::ffff:192.0.2.1/128', '1:2:3:4:5:6:7::/64'];
  assert.equal(spec.parse(mappingSpec('sim:1:1', '{"duration": 1}', networks)).duration, 1);
  const body = spec.parse(mappingSpec('sim:1:65535', '{"duration": 28800.0}', networks));
  assert.deepEqual([body.destination.port, body.duration], [65535, 28800]);
  assert.equal(spec.checkCidr(' 192.0.2.7/32 '), '192.0.2.7/32');
});

test('addresses parse as Rust and Python parse them', () => {
  for (const good of ['0.0.0.0', '255.255.255.255', '192.0.2.1']) assert.ok(spec.isIpv4(good), good);
  for (const bad of ['256.0.0.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.a', '']) assert.ok(!spec.isIpv4(bad), bad);
  for (const good of ['::', '::1', '2001:db8::', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', 'fe80::1:2']) assert.ok(spec.isIpv6(good), good);
  for (const bad of [':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', ':1::', '1.2.3.4', '::1.2.3.256', 'fe80::1%eth0']) {
    assert.ok(!spec.isIpv6(bad), bad);
  }
});

test('blank and null properties are empty', () => {
  // The host always sends an object; an adapter called directly may get less.
  for (const properties of ['', '  ', 'null', '{}']) {
    assert.deepEqual(spec.parse(mappingSpec('sim:1:22', properties)), { destination: { simId: '1', port: 22 } });
  }
});
