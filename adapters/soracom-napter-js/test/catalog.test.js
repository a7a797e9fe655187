// The six operations through `operations.invoke`, and the exports.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { SIM, adapter, api, catalog, host, reset, response, sent, throwsCase } from '../testing/harness.js';

beforeEach(reset);

const invoke = (name, params = [], body = undefined, cursor = undefined) =>
  adapter.operations.invoke(name, params, body, cursor, []);

test('six operations', () => {
  const entries = Object.fromEntries(adapter.operations.catalog().map((op) => [op.name, op]));
  assert.deepEqual(Object.keys(entries), [
    'listPortMappings', 'createPortMapping', 'deletePortMapping',
    'listPortMappingsForSim', 'createPortMappingForSim', 'listPortMappingsForSubscriber',
  ]);
  const params = (name) => entries[name].parameters.map((p) => [p.name, p.location, p.required]);
  assert.deepEqual(params('listPortMappings'), [['limit', 'query', false], ['last_evaluated_key', 'query', false]]);
  assert.deepEqual(params('deletePortMapping'), [['ip_address', 'path', true], ['port', 'path', true]]);
  assert.deepEqual(Object.values(entries).filter((op) => op.paginated).map((op) => op.name), ['listPortMappings']);
  assert.deepEqual(Object.values(entries).filter((op) => op.takesBody).map((op) => op.name), ['createPortMapping', 'createPortMappingForSim']);
  assert.equal(entries.deletePortMapping.method, 'delete');
  for (const op of Object.values(entries)) {
    assert.ok(op.path.startsWith('/port_mappings'));
    for (const p of op.parameters) assert.equal(p.location === 'path', op.path.includes(`{${p.name}}`));
  }
});

test('a paged list and its cursor', () => {
  for (const port of [22, 23, 24]) invoke('createPortMapping', [], JSON.stringify({ destination: { simId: SIM, port } }));
  const first = invoke('listPortMappings', [['limit', '2']]);
  assert.equal(first.status, 200);
  assert.equal(first.body.tag, 'json');
  assert.equal(JSON.parse(first.body.val).length, 2);
  const second = invoke('listPortMappings', [['limit', '2'], ['last_evaluated_key', 'stale']], undefined, first.next);
  assert.equal(JSON.parse(second.body.val).length, 1);
  assert.equal(second.next, undefined);
  // The cursor's key replaced the one given by hand.
  assert.equal(sent().at(-1), 'GET /v1/port_mappings?limit=2&last_evaluated_key=203.0.113.2%3A40001');
});

test('paths are encoded, and a 404 keeps its code', () => {
  const error = throwsCase(() => invoke('listPortMappingsForSim', [['sim_id', 'a/b?c']]), 'not-found');
  assert.deepEqual([error.status, error.code], [404, 'COM0004']);
  assert.deepEqual(sent(), ['GET /v1/port_mappings/sims/a%2Fb%3Fc']);
});

test('refusals', () => {
  assert.equal(throwsCase(() => invoke('nope'), 'unsupported'), 'operation `nope` is not supported by this adapter');
  throwsCase(() => invoke('deletePortMapping'), 'invalid-input', { field: 'param:ip_address', contains: 'missing parameter `ip_address`, `port`' });
  throwsCase(() => invoke('listPortMappings', [['bogus', '1']]), 'invalid-input', {
    field: 'param:bogus',
    contains: 'unknown parameter `bogus` (known: limit, last_evaluated_key)',
  });
  throwsCase(() => invoke('listPortMappingsForSim', [['sim_id', '']]), 'invalid-input', { field: 'param:sim_id' });
  throwsCase(() => invoke('createPortMapping'), 'invalid-input', { field: 'body', contains: 'needs a JSON `body`' });
  throwsCase(() => invoke('createPortMapping', [], '{nope'), 'invalid-input', { field: 'body' });
  throwsCase(() => invoke('listPortMappings', [], '{}'), 'invalid-input', { field: 'body', contains: 'takes no `body`' });
  throwsCase(() => invoke('listPortMappingsForSim', [['sim_id', '1']], undefined, 'x'), 'invalid-input', { field: 'cursor' });
  throwsCase(() => invoke('listPortMappings', [], undefined, api.encodeCursor({ key: 'x' })), 'invalid-input', { field: 'cursor' });
  assert.deepEqual(host.requests, []);
});

test('a provider refusal keeps its code', () => {
  const error = throwsCase(
    () => invoke('createPortMapping', [], '{"destination": {"imsi": "1", "port": 22}, "duration": 99999}'),
    'invalid-input',
  );
  assert.deepEqual([error.status, error.code], [400, 'NPT0001']);
});

test('bodies', () => {
  assert.equal(catalog.bodyOf(response(204)), undefined);
  assert.equal(catalog.bodyOf(response(200, '[]')).tag, 'json');
  assert.equal(catalog.bodyOf(response(200, 'plain')).tag, 'text');
  assert.equal(catalog.bodyOf(response(200, 'x', [['Content-Type', 'application/problem+json']])).tag, 'json');
});

test('update and the other nouns are unsupported', () => {
  for (const call of [
    () => adapter.mappings.update(),
    () => adapter.gateways.list(),
    () => adapter.tunnels.delete(),
    () => adapter.peers.create(),
  ]) {
    assert.ok(throwsCase(call, 'unsupported').includes('not supported by this adapter'));
  }
  assert.ok(throwsCase(() => adapter.mappings.update(), 'unsupported').includes('delete it and create a new one'));
  assert.deepEqual(host.requests, []);
});
