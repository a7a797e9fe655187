// A fake portico host for the unit tests, and a small in-memory Toy VPN behind it.
//
// It exports the functions the adapter imports (`send` from http, `get` from config, `log`
// from log), all from one module that testing/hooks.js maps every `portico:adapter/...`
// specifier to. A failing import throws as componentize-js's bindings do: an Error whose
// `payload` is the `host-error` case.

import assert from 'node:assert/strict';

export const ENDPOINT = 'http://127.0.0.1:9';
// Headers only the host may set: an adapter that sent one would be refused.
const HOST_ONLY = new Set(['authorization', 'cookie', 'host', 'content-length']);

export class ComponentError extends Error {
  constructor(payload) {
    super(`host error ${payload.tag}`);
    this.payload = payload;
  }
}

const utf8 = new TextEncoder();
export const response = (status, body) => ({
  status,
  headers: [['content-type', 'application/json']],
  body: utf8.encode(body === undefined ? '' : JSON.stringify(body)),
  attempts: 1,
});
const error = (status, code, message, field) => response(status, { error: { code, message, field } });

/** Toy VPN as the emulator serves it: gateways `gw-N`, pages with a `next_cursor`, unique names. */
export class FakeToy {
  gateways = [];

  handle(method, path, query, body) {
    if (path === '/toy/v1/gateways' && method === 'get') {
      const start = Number(query.get('cursor') ?? 0);
      const end = start + Number(query.get('limit') ?? 20);
      const more = end < this.gateways.length;
      return response(200, { gateways: this.gateways.slice(start, end), next_cursor: more ? String(end) : null });
    }
    if (path === '/toy/v1/gateways' && method === 'post') {
      const request = JSON.parse(body);
      if (!request.name) return error(422, 'invalid', 'name is required', 'name');
      if (this.gateways.some((g) => g.name === request.name)) return error(409, 'conflict', `a gateway named ${request.name} exists`);
      const gateway = { id: `gw-${this.gateways.length + 1}`, state: 'provisioning', public_ip: '203.0.113.1', networks: [], ...request };
      this.gateways.push(gateway);
      return response(201, gateway);
    }
    const found = this.gateways.find((g) => path === `/toy/v1/gateways/${g.id}`);
    if (!found) return error(404, 'not_found', `no gateway at ${path}`);
    if (method === 'delete') {
      this.gateways = this.gateways.filter((g) => g !== found);
      return response(202, { ...found, state: 'deleting' });
    }
    return response(200, { ...found, state: 'available' });
  }
}

/** The fake host's state; `reset()` before each test. */
export const host = { settings: new Map(), requests: [], logs: [], api: undefined };

export function reset() {
  host.settings = new Map([['endpoint', ENDPOINT]]);
  host.requests = [];
  host.logs = [];
  const toy = new FakeToy();
  host.api = (...args) => toy.handle(...args);
  return host;
}

// --- The imports ------------------------------------------------------------------------

export function send(request) {
  host.requests.push(request);
  for (const [name] of request.headers) {
    assert.ok(!HOST_ONLY.has(name.toLowerCase()), `the adapter set a host-only header: ${name}`);
  }
  assert.equal(request.credential, 'api');
  const url = new URL(request.url);
  assert.equal(url.origin, host.settings.get('endpoint'), request.url);
  const body = request.body === undefined ? undefined : new TextDecoder().decode(request.body);
  return host.api(request.method, decodeURIComponent(url.pathname), url.searchParams, body);
}

export const get = (key) => host.settings.get(key);

export const log = (level, message) => host.logs.push([level, message]);

// --- Helpers for the tests ---------------------------------------------------------------

/** What was sent, as `METHOD path?query` (scheme and host left out). */
export const sent = () => host.requests.map((r) => `${r.method.toUpperCase()} ${r.url.slice(ENDPOINT.length)}`);

/** Expect `call` to throw the contract error `tag` naming `field`; return its value. */
export function throwsCase(call, tag, { field } = {}) {
  let caught;
  try {
    call();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught?.payload, `expected a contract error ${tag}, got ${caught}`);
  assert.equal(caught.payload.tag, tag, JSON.stringify(caught.payload));
  if (field !== undefined) assert.equal(caught.payload.val.field, field, JSON.stringify(caught.payload));
  return caught.payload.val;
}

export const spec = (name, networks = [], properties = '{}', fields = {}) => ({
  kind: undefined,
  name,
  description: undefined,
  publicAddress: undefined,
  networks,
  labels: [],
  clear: [],
  properties,
  secrets: [],
  ...fields,
});

export const query = ({ filters = [], limit, cursor, kind, parentId } = {}) => ({ parentId, kind, filters, page: { limit, cursor } });

export const locator = (id, kind = undefined, parentId = undefined) => ({ id, parentId, kind });
