// A fake portico host for the unit tests, and a small in-memory Napter API behind it.
//
// It exports the functions the adapter imports (`send` from http, `get` from config, `log`
// from log), all from one module that testing/hooks.js maps every `portico:adapter/...`
// specifier to. A failing import throws as componentize-js's bindings do: an Error whose
// `payload` is the `host-error` case.

import assert from 'node:assert/strict';

export const SIM = '8942310022000012345';
export const IMSI = '440101234567890';
// Headers only the host may set: an adapter that sent one would be refused.
const HOST_ONLY = new Set(['authorization', 'cookie', 'x-soracom-api-key', 'x-soracom-token', 'host', 'content-length']);

const utf8 = new TextEncoder();

export class ComponentError extends Error {
  constructor(payload) {
    super(`host error ${payload.tag}`);
    this.payload = payload;
  }
}

export function response(status, body = undefined, headers = []) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers, body: utf8.encode(text), attempts: 1 };
}

/**
 * Napter as the emulator serves it: entries on 203.0.113.x:40000+, pages keyed by the last
 * endpoint, 404 for a SIM or IMSI without entries, `{code, message}` errors.
 */
export class FakeNapter {
  entries = [];
  nextPort = 40000;

  handle(method, segments, query, body) {
    const path = segments.join('/');
    if (path === '/v1/port_mappings' && method === 'get') {
      let items = this.entries;
      if (query.has('last_evaluated_key')) {
        const at = items.findIndex((e) => e.endpoint === query.get('last_evaluated_key'));
        items = items.slice(at + 1);
      }
      const limit = Number(query.get('limit') ?? 100);
      const page = items.slice(0, limit);
      return response(200, page, items.length > limit ? [['x-soracom-next-key', page.at(-1).endpoint]] : []);
    }
    if (path === '/v1/port_mappings' && method === 'post') return this.create(JSON.parse(body));
    const parts = segments.slice(3);
    if (method === 'delete' && parts.length === 2) {
      const endpoint = `${parts[0]}:${parts[1]}`;
      if (!this.entries.some((e) => e.endpoint === endpoint)) {
        return response(404, { code: 'COM0004', message: `entry ${endpoint} does not exist` });
      }
      this.entries = this.entries.filter((e) => e.endpoint !== endpoint);
      return response(204);
    }
    if (method === 'get' && parts.length === 2 && ['sims', 'subscribers'].includes(parts[0])) {
      const field = parts[0] === 'sims' ? 'simId' : 'imsi';
      const found = this.entries.filter((e) => e[field] === parts[1]);
      return found.length ? response(200, found) : response(404, { code: 'COM0004', message: 'no entries' });
    }
    return response(404, { code: 'COM0001', message: `no route ${method} ${path}` });
  }

  create(request) {
    const { destination } = request;
    const duration = request.duration ?? 3600;
    if (duration < 1 || duration > 28800) {
      return response(400, { code: 'NPT0001', message: 'duration must be a whole number from 1 to 28800' });
    }
    const ip = `203.0.113.${this.entries.length + 1}`;
    const port = this.nextPort++;
    const { service, ...kept } = destination;
    const entry = {
      ipAddress: ip,
      port,
      endpoint: `${ip}:${port}`,
      hostname: `p-${ip.replaceAll('.', '-')}.napter.soracom.invalid`,
      destination: kept,
      source: request.source ?? { ipRanges: ['0.0.0.0/0'] },
      duration,
      tlsRequired: request.tlsRequired ?? false,
      createdTime: 1714557600000,
      expiredTime: 1714557600000 + 1000 * duration,
      expired: false,
    };
    if (destination.simId) entry.simId = destination.simId;
    else entry.imsi = destination.imsi;
    this.entries.push(entry);
    return response(201, entry, [['content-type', 'application/json']]);
  }
}

/** The fake host's state; `reset()` before each test. */
export const host = {
  settings: new Map(),
  requests: [],
  logs: [],
  /** Answers a request: (method, segments, query, body) -> response, or throws. */
  api: undefined,
};

export function reset() {
  host.settings = new Map([['endpoint', 'http://127.0.0.1:9']]);
  host.requests = [];
  host.logs = [];
  const napter = new FakeNapter();
  host.api = (...args) => napter.handle(...args);
  return host;
}

// --- The imports ------------------------------------------------------------------------

export function send(request) {
  host.requests.push(request);
  for (const [name] of request.headers) {
    assert.ok(!HOST_ONLY.has(name.toLowerCase()), `the adapter set a host-only header: ${name}`);
  }
  assert.equal(request.credential, 'soracom');
  const url = new URL(request.url);
  assert.equal(url.origin, host.settings.get('endpoint'), request.url);
  // Segments decoded one by one, so an encoded `/` stays inside its segment.
  const segments = url.pathname.split('/').map(decodeURIComponent);
  const body = request.body === undefined ? undefined : new TextDecoder().decode(request.body);
  return host.api(request.method, segments, url.searchParams, body);
}

export const get = (key) => host.settings.get(key);

export const log = (level, message) => host.logs.push([level, message]);

// --- Helpers for the tests ---------------------------------------------------------------

/** What was sent, as `METHOD path?query` (scheme and host left out). */
export const sent = () =>
  host.requests.map((r) => `${r.method.toUpperCase()} ${r.url.slice(host.settings.get('endpoint').length)}`);

/** Expect `call` to throw the contract error `tag`; check field and message; return its value. */
export function throwsCase(call, tag, { field, contains } = {}) {
  let caught;
  try {
    call();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught?.payload, `expected a contract error ${tag}, got ${caught}`);
  assert.equal(caught.payload.tag, tag, JSON.stringify(caught.payload));
  const value = caught.payload.val;
  if (field !== undefined) assert.equal(value.field, field, JSON.stringify(value));
  if (contains !== undefined) assert.ok(value.message.includes(contains), value.message);
  return value;
}

export const mappingSpec = (destination, properties = '{}', networks = [], fields = {}) => ({
  kind: undefined,
  parentId: undefined,
  name: undefined,
  source: undefined,
  destination,
  allowedNetworks: networks,
  labels: [],
  clear: [],
  properties,
  secrets: [],
  ...fields,
});

export const query = ({ filters = [], limit, cursor, kind, parentId } = {}) => ({
  parentId,
  kind,
  filters,
  page: { limit, cursor },
});

export const locator = (id, { kind, parentId } = {}) => ({ id, parentId, kind });
