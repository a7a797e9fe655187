// The gateway noun against the fake host and its in-memory Toy VPN.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { ComponentError, describe, gateways, host, locator, query, reset, sent, spec, throwsCase } from '../testing/harness.js';

beforeEach(reset);

test('lifecycle', () => {
  const created = gateways.create(spec('edge', ['10.10.0.0/24'], '{"region": "us-1"}'));
  assert.deepEqual([created.id, created.state], ['gw-1', 'provisioning']);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(host.requests[0].body)), { region: 'us-1', name: 'edge', networks: ['10.10.0.0/24'] });
  assert.deepEqual(created.publicAddresses, ['203.0.113.1']);
  assert.equal(gateways.get(locator('gw-1')).state, 'available');
  assert.deepEqual(gateways.list(query()).items.map((g) => g.id), ['gw-1']);
  gateways.remove(locator('gw-1'));
  throwsCase(() => gateways.get(locator('gw-1')), 'not-found');
  assert.deepEqual(sent(), [
    'POST /toy/v1/gateways',
    'GET /toy/v1/gateways/gw-1',
    'GET /toy/v1/gateways?limit=20',
    'DELETE /toy/v1/gateways/gw-1',
    'GET /toy/v1/gateways/gw-1',
  ]);
});

test('pages follow the cursor', () => {
  for (const n of [0, 1, 2]) gateways.create(spec(`g${n}`));
  const first = gateways.list(query({ limit: 2 }));
  const second = gateways.list(query({ limit: 2, cursor: first.next }));
  assert.deepEqual([...first.items, ...second.items].map((g) => g.name), ['g0', 'g1', 'g2']);
  assert.equal(second.next, undefined);
});

test("errors keep the provider's word", () => {
  const invalid = throwsCase(() => gateways.create(spec(undefined)), 'invalid-input', { field: 'name' });
  assert.deepEqual([invalid.status, invalid.code], [422, 'invalid']);
  gateways.create(spec('twice'));
  throwsCase(() => gateways.create(spec('twice')), 'conflict');
});

test('undeclared input is refused before sending', () => {
  for (const [call, field] of [
    [() => gateways.list(query({ kind: 'other' })), 'kind'],
    [() => gateways.list(query({ filters: [['zone', 'a']] })), 'filters.zone'],
    [() => gateways.list(query({ parentId: 'p' })), 'parent-id'],
    [() => gateways.get(locator('gw-1', 'other')), 'kind'],
    [() => gateways.create(spec('x', [], '{}', { labels: [{ key: 'a', value: 'b' }] })), 'labels'],
    [() => gateways.create(spec('x', [], '{}', { publicAddress: '198.51.100.1' })), 'public-address'],
  ]) {
    throwsCase(call, 'invalid-input', { field });
  }
  assert.deepEqual(host.requests, []);
});

test('host errors pass unchanged, and a lost create is looked up', () => {
  const denial = { tag: 'denied', val: { reason: 'host-not-granted', message: 'not granted' } };
  const toy = host.api;
  host.api = () => {
    throw new ComponentError(denial);
  };
  assert.deepEqual(throwsCase(() => gateways.list(query()), 'host'), denial);
  const lost = { tag: 'transport', val: { kind: 'broken', maybeProcessed: true, message: 'reset' } };
  host.api = (method, ...rest) => {
    const answer = toy(method, ...rest);
    if (method === 'post') throw new ComponentError(lost);
    return answer;
  };
  assert.equal(gateways.create(spec('edge')).name, 'edge');
});

test('the description declares what the noun does', () => {
  const d = describe.description();
  assert.equal(d.name, '{{name}}');
  assert.deepEqual(d.hosts, d.credentials[0].hosts);
  assert.equal(JSON.parse(d.examples[0].create).name, 'example');
});
