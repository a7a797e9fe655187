// The Toy VPN API as this adapter sees it: where it lives (the `endpoint` setting, or the
// production host), how a request goes out (through the host's `http.send`, naming the `api`
// credential) and how it fails (`{"error": {"code", "message", "field"}}`).
//
// The adapter never sets `Authorization`, and could not: it never sees the token. The host
// adds `Authorization: Bearer <token>` on the wire; a request that set it itself would be
// refused.

import { get as setting } from 'portico:adapter/config@0.2.0';
import { send } from 'portico:adapter/http@0.2.0';
import { log } from 'portico:adapter/log@0.2.0';

import { fromStatus, host, provider } from './errors.js';

export const HOST = 'api.toyvpn.example';
export const CREDENTIAL = 'api';

/** The profile's `endpoint` origin, or the production host, plus `/toy/v1`. */
export function baseUrl() {
  const origin = setting('endpoint')?.trim() || `https://${HOST}`;
  return `${origin.replace(/\/+$/, '')}/toy/v1`;
}

const utf8 = new TextEncoder();
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Percent-encode every byte but the RFC 3986 unreserved ones, so an id with `/`, `?` or `#`
 * can never change which resource a URL names.
 */
export function encode(value) {
  let out = '';
  for (const byte of utf8.encode(value)) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Send `method` (`'get'`, `'post'`, `'delete'`) to `path` and return the JSON answer; a non-2xx
 * answer is the contract's error, a host error is passed on unchanged.
 */
export function call(method, path, query = [], body = undefined) {
  let url = baseUrl() + path;
  if (query.length) url += `?${query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`;
  const headers = [['Accept', 'application/json']];
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  log('debug', `${method.toUpperCase()} ${url}`);
  let response;
  try {
    response = send({
      method,
      url,
      headers,
      body: body === undefined ? undefined : utf8.encode(JSON.stringify(body)),
      credential: CREDENTIAL,
      signatures: [],
      // undefined: the host retries by method (GET and DELETE are retried, POST is not).
      idempotent: undefined,
    });
  } catch (e) {
    // A failed import throws an Error whose `payload` is the `host-error` case.
    if (e && e.payload !== undefined) throw host(e.payload);
    throw e;
  }
  const text = new TextDecoder().decode(response.body);
  let doc;
  try {
    doc = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    if (response.status < 300) throw provider(`HTTP ${response.status}: the answer is not JSON`);
  }
  if (response.status >= 200 && response.status < 300) return doc;
  const said = doc?.error ?? {};
  throw fromStatus(response.status, said.message ?? text.trim().slice(0, 500), said.code, said.field ?? undefined);
}
