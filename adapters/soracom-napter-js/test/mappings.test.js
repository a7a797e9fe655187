// The mapping noun against the fake host and its in-memory Napter.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import {
  ComponentError, IMSI, SIM, host, locator, mappingSpec, mappings, query, reset, response, sent, throwsCase,
} from '../testing/harness.js';

beforeEach(reset);

const create = (destination, properties = '{}', networks = []) => mappings.create(mappingSpec(destination, properties, networks));
const ids = (page) => page.items.map((m) => m.id);

test('lifecycle', () => {
  const m = create(`sim:${SIM}:22`, '{"service": "air", "duration": 1800}', ['198.51.100.0/24']);
  assert.equal(m.destination, `sim:${SIM}:22`);
  assert.deepEqual(m.allowedNetworks, ['198.51.100.0/24']);
  assert.equal(m.state, 'available');
  const [post] = host.requests;
  assert.equal(
    new TextDecoder().decode(post.body),
    '{"destination":{"simId":"8942310022000012345","service":"air","port":22},"duration":1800,"source":{"ipRanges":["198.51.100.0/24"]}}',
  );
  assert.equal(post.method, 'post');
  // The host picks retries by method for POST (not idempotent): the adapter says nothing.
  assert.equal(post.idempotent, undefined);
  assert.deepEqual(post.headers, [['Accept', 'application/json'], ['Content-Type', 'application/json']]);

  const page = mappings.list(query());
  assert.deepEqual(ids(page), [m.id]);
  assert.equal(page.next, undefined);
  assert.equal(mappings.get(locator(m.id)).destination, `sim:${SIM}:22`);
  mappings.remove(locator(m.id));
  assert.equal(sent().at(-1), 'DELETE /v1/port_mappings/203.0.113.1/40000');
  throwsCase(() => mappings.get(locator(m.id)), 'not-found', { contains: 'not found' });
  const gone = throwsCase(() => mappings.remove(locator(m.id)), 'not-found');
  assert.deepEqual([gone.status, gone.code], [404, 'COM0004']);
});

test('pages follow the next key', () => {
  for (let port = 1; port <= 5; port += 1) create(`sim:${SIM}:${8000 + port}`);
  host.requests = [];
  const seen = [];
  let cursor;
  do {
    const page = mappings.list(query({ limit: 2, cursor }));
    seen.push(...ids(page));
    cursor = page.next;
  } while (cursor);
  assert.equal(new Set(seen).size, 5);
  assert.equal(sent()[0], 'GET /v1/port_mappings?limit=2');
  assert.ok(sent().slice(1).every((r) => r.includes('last_evaluated_key=')), sent().join('\n'));
  // `get` walks every page.
  assert.equal(mappings.get(locator(seen.at(-1))).id, seen.at(-1));
  throwsCase(() => mappings.list(query({ cursor: 'garbage!' })), 'invalid-input', { field: 'cursor' });
});

test('filters', () => {
  const bySim = create(`sim:${SIM}:22`);
  const byImsi = create(`imsi:${IMSI}:80`);
  assert.deepEqual(ids(mappings.list(query({ filters: [['sim-id', SIM]] }))), [bySim.id]);
  assert.deepEqual(ids(mappings.list(query({ filters: [['imsi', IMSI]] }))), [byImsi.id]);
  // The per-SIM and per-IMSI lists answer 404 when there is nothing: an empty list.
  assert.deepEqual(mappings.list(query({ filters: [['sim-id', '1']] })).items, []);
  assert.deepEqual(ids(mappings.list(query({ filters: [['sim-id', SIM], ['sim-id', SIM]] }))), [bySim.id]);
  assert.equal(sent().at(-1), `GET /v1/port_mappings/sims/${SIM}`);
  for (const [filters, field] of [
    [[['sim-id', '1'], ['imsi', '2']], 'filters.imsi'],
    [[['sim-id', '1'], ['sim-id', '2']], 'filters.sim-id'],
    [[['status', 'x']], 'filters.status'],
    [[['imsi', ' ']], 'filters.imsi'],
  ]) {
    throwsCase(() => mappings.list(query({ filters })), 'invalid-input', { field });
  }
  throwsCase(() => mappings.list(query({ filters: [['sim-id', SIM]], cursor: 'x' })), 'invalid-input', { field: 'cursor' });
});

test('the declared shape is enforced before anything is sent', () => {
  const cases = [
    [() => mappings.list(query({ kind: 'route' })), 'kind'],
    [() => mappings.list(query({ parentId: SIM, filters: [['sim-id', 'other']] })), 'filters.sim-id'],
    [() => mappings.get(locator('203.0.113.1:40000', { kind: 'route' })), 'kind'],
    [() => mappings.remove(locator('nope')), 'id'],
    [() => mappings.create(mappingSpec(`sim:${SIM}:22`, '{}', [], { kind: 'route' })), 'kind'],
    [() => mappings.create(mappingSpec('sim:9999:22', '{}', [], { parentId: SIM })), 'parent-id'],
    [() => mappings.create(mappingSpec(`sim:${SIM}:22`, '{}', [], { labels: [{ key: 'a', value: 'b' }] })), 'labels'],
    [() => mappings.create(mappingSpec(`sim:${SIM}:22`, '{}', [], { clear: ['destination'] })), 'clear'],
    [() => create(`sim:${SIM}:99999`), 'destination'],
  ];
  for (const [call, field] of cases) throwsCase(call, 'invalid-input', { field });
  assert.deepEqual(host.requests, [], 'nothing may be sent for a refused input');
  mappings.list(query({ kind: 'port-mapping' }));
});

test('host errors pass unchanged', () => {
  const denial = { tag: 'denied', val: { reason: 'host-not-granted', message: 'host `x` is not granted' } };
  host.api = () => {
    throw new ComponentError(denial);
  };
  assert.deepEqual(throwsCase(() => mappings.list(query()), 'host'), denial);
});

test('a lost create is reported with a warning', () => {
  const lost = { tag: 'transport', val: { kind: 'broken', maybeProcessed: true, message: 'connection reset' } };
  host.api = () => {
    throw new ComponentError(lost);
  };
  assert.deepEqual(throwsCase(() => create(`sim:${SIM}:22`), 'host'), lost);
  assert.ok(host.logs.at(-1)[1].includes('outcome is unknown'), host.logs);
});

test('a delete with a lost answer is checked', () => {
  const entry = create(`sim:${SIM}:22`);
  const napter = host.api;
  host.api = (method, ...rest) => {
    const answer = napter(method, ...rest);
    if (method === 'delete') throw new ComponentError({ tag: 'transport', val: { kind: 'broken', maybeProcessed: true, message: 'reset' } });
    return answer;
  };
  mappings.remove(locator(entry.id)); // gone afterwards: the delete happened
  assert.deepEqual(sent().slice(-2), ['DELETE /v1/port_mappings/203.0.113.1/40000', 'GET /v1/port_mappings']);
});

test('provider answers that make no sense', () => {
  host.api = () => response(200, { not: 'a list' });
  throwsCase(() => mappings.list(query()), 'provider');
  host.api = () => response(201, { port: 1 });
  throwsCase(() => create(`sim:${SIM}:22`), 'provider', { contains: 'ipAddress' });
  host.api = () => response(200, '<html>');
  throwsCase(() => mappings.list(query()), 'provider', { contains: 'not JSON' });
});

test('settings choose the host', () => {
  host.settings = new Map([['coverage', 'nowhere']]);
  throwsCase(() => mappings.list(query()), 'invalid-input', { contains: '`coverage`' });
  assert.deepEqual(host.requests, []);
});
