// The description: noun support, the credential the host exchanges, settings, examples.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { adapter, describe, host, mappingSpec, mappings, reset, spec } from '../testing/harness.js';

beforeEach(reset);

test('noun support is what the code does', () => {
  const d = adapter.adapter.describe();
  assert.deepEqual([d.name, d.version, d.provider], ['soracom-napter-js', '0.1.0', 'Soracom Napter']);
  assert.deepEqual(d.nouns, [
    {
      noun: 'mapping',
      actions: ['list', 'get', 'create', 'delete'],
      parent: 'optional',
      filters: [
        { key: 'sim-id', description: 'entries created for this SIM id (one page)' },
        { key: 'imsi', description: 'entries created for this IMSI (one page)' },
      ],
      labels: false,
      uniqueNames: false,
    },
  ]);
  assert.deepEqual(d.kinds.map((k) => [k.noun, k.kind]), [['mapping', 'port-mapping']]);
  assert.deepEqual(d.hosts, ['api.soracom.io', 'g.api.soracom.io', 'api-sandbox.soracom.io', 'g.api-sandbox.soracom.io']);
  assert.deepEqual(d.secretInputs, []);
  assert.deepEqual(host.requests, [], 'describe must not make requests');
});

test('the credential is the AuthKey token exchange', () => {
  const [credential] = adapter.adapter.describe().credentials;
  assert.equal(credential.name, 'soracom');
  assert.deepEqual(credential.fields.map((f) => [f.name, f.secret]), [['auth-key-id', false], ['auth-key', true]]);
  const [scheme] = credential.schemes;
  assert.equal(scheme.tag, 'token-exchange');
  const exchange = scheme.val;
  assert.deepEqual([exchange.method, exchange.path, exchange.contentType], ['post', '/v1/auth', 'application/json']);
  // Byte for byte what the Rust adapter declares.
  assert.equal(exchange.body, '{"authKeyId":"{{field:auth-key-id}}","authKey":"{{field:auth-key}}","tokenTimeoutSeconds":86400}');
  // `lifetime-seconds` is a u64: componentize-js wants a BigInt for it.
  assert.equal(exchange.lifetimeSeconds, 86400n);
  assert.deepEqual(exchange.captures.map((c) => [c.pointer, c.header, c.prefix]), [
    ['/apiKey', 'X-Soracom-API-Key', undefined],
    ['/token', 'X-Soracom-Token', undefined],
  ]);
});

test('settings', () => {
  assert.deepEqual(describe.settings().map((s) => [s.key, s.defaultValue, s.allowed, s.required]), [
    ['coverage', 'jp', ['jp', 'g'], false],
    ['sandbox', 'false', ['false', 'true'], false],
    ['endpoint', undefined, [], false],
  ]);
});

test('the example is a valid spec', () => {
  const [example] = describe.description().examples;
  assert.deepEqual([example.noun, example.kind, example.parentKind, example.secrets], ['mapping', 'port-mapping', undefined, []]);
  const create = JSON.parse(example.create);
  const s = mappingSpec(create.destination, JSON.stringify(create.properties), create['allowed-networks'], { kind: example.kind });
  assert.equal(spec.parse(s).duration, 3600);
  assert.equal(mappings.create(s).destination, create.destination);
  assert.deepEqual(JSON.parse(example.update), {});
});
