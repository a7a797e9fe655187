// The Soracom API as this adapter sees it: where it lives (settings `endpoint`, `coverage`,
// `sandbox`), how a request goes out (through the host's `http.send`), how it fails (Soracom's
// `{code, message}` body) and how it pages (`x-soracom-next-key` / `last_evaluated_key`).
//
// The adapter never sets `Authorization` or `X-Soracom-*` headers, and could not: it never
// sees the AuthKey nor the token. Each request names the credential `soracom`; the host
// exchanges its fields at `POST /v1/auth`, caches the API key and token it gets, and adds them
// as `X-Soracom-API-Key` / `X-Soracom-Token` on the wire. A guest that set those headers itself
// would have the request refused (`denial-reason.header-not-allowed`).

import { get as setting } from 'portico:adapter/config@0.2.0';
import { send as hostSend } from 'portico:adapter/http@0.2.0';
import { log } from 'portico:adapter/log@0.2.0';

import { fromStatus, host, invalidInput, provider } from './errors.js';

export const CREDENTIAL = 'soracom';
export const COVERAGES = ['jp', 'g'];
export const DEFAULT_COVERAGE = 'jp';
export const HOSTS = ['api.soracom.io', 'g.api.soracom.io', 'api-sandbox.soracom.io', 'g.api-sandbox.soracom.io'];
export const NEXT_KEY_HEADER = 'x-soracom-next-key';
export const LAST_EVALUATED_KEY = 'last_evaluated_key';

/** The value trimmed, or undefined when absent or blank. */
export const nonBlank = (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/**
 * The base URL including `/v1`: the `endpoint` origin when set, else the coverage's host
 * (`jp`: api.soracom.io, `g`: g.api.soracom.io), its `-sandbox` twin when `sandbox` is `true`.
 * `coverage` and `sandbox` are checked even with an endpoint, so a typo fails the same way
 * against the emulator and in production. (Settings are no input of the call: no `field`.)
 */
export function baseUrl(endpoint, coverage, sandbox) {
  coverage = nonBlank(coverage) ?? DEFAULT_COVERAGE;
  if (!COVERAGES.includes(coverage)) {
    throw invalidInput(undefined, `setting \`coverage\` must be \`jp\` or \`g\`, got \`${coverage}\``);
  }
  sandbox = nonBlank(sandbox) ?? 'false';
  if (sandbox !== 'true' && sandbox !== 'false') {
    throw invalidInput(undefined, `setting \`sandbox\` must be \`true\` or \`false\`, got \`${sandbox}\``);
  }
  let origin = nonBlank(endpoint);
  if (origin) {
    origin = origin.replace(/\/+$/, '');
    if (!/^https?:\/\//.test(origin)) {
      throw invalidInput(undefined, `setting \`endpoint\` must be an http(s) URL, got \`${origin}\``);
    }
    // The setting is an origin (as soracom-cli's); one that already names `/v1` is fine too.
    return `${origin.replace(/\/v1$/, '')}/v1`;
  }
  return `https://${coverage === 'g' ? 'g.' : ''}${sandbox === 'true' ? 'api-sandbox' : 'api'}.soracom.io/v1`;
}

export const profileBaseUrl = () => baseUrl(setting('endpoint'), setting('coverage'), setting('sandbox'));

const utf8 = new TextEncoder();
const UNRESERVED = /[A-Za-z0-9\-._~]/;

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
 * A request to `path` under the profile's base URL, naming the `soracom` credential. `body`
 * (JSON text) is sent as `application/json`.
 */
export function request(method, path, query = [], body = undefined) {
  let url = profileBaseUrl() + path;
  if (query.length) url += `?${query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`;
  const headers = [['Accept', 'application/json']];
  if (body !== undefined) headers.push(['Content-Type', 'application/json']);
  return {
    method, // an enum case of `types.method`: 'get', 'post', 'delete', ...
    url,
    headers,
    body: body === undefined ? undefined : utf8.encode(body),
    credential: CREDENTIAL,
    signatures: [],
    // undefined: the host decides by method (GET and DELETE are retried, POST is not).
    idempotent: undefined,
  };
}

/** Send through the host; a host error is passed on unchanged as `error.host`. */
export function send(req) {
  log('debug', `${req.method.toUpperCase()} ${req.url}`);
  try {
    return hostSend(req);
  } catch (e) {
    // A failed import throws a ComponentError whose `payload` is the `host-error` case.
    if (e && e.payload !== undefined) throw host(e.payload);
    throw e;
  }
}

/** Send, and turn a non-2xx answer into the contract's error. */
export function execute(req) {
  const response = send(req);
  if (response.status < 200 || response.status > 299) throw mapError(response);
  return response;
}

export const header = (response, name) => response.headers.find(([k]) => k.toLowerCase() === name)?.[1];

const utf8Text = new TextDecoder();
export const text = (response) => utf8Text.decode(response.body);

export function textExcerpt(response, limit = 500) {
  const all = text(response).trim();
  const chars = Array.from(all);
  return chars.length > limit ? `${chars.slice(0, limit).join('')}...` : all;
}

/** The response body as JSON (undefined when empty); anything else is a provider error. */
export function jsonOf(response) {
  const body = text(response);
  if (!body.trim()) return undefined;
  try {
    return JSON.parse(body);
  } catch (e) {
    throw provider(`HTTP ${response.status}: response is not JSON (${e.message}): ${textExcerpt(response)}`);
  }
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Soracom's flat `{"code", "message"}` body, or the `{"errorMessage": {...}}` wrapper, as the
 * case of the status; other bodies fall back to their text.
 */
export function mapError(response) {
  let message = textExcerpt(response);
  let code;
  let body;
  try {
    body = JSON.parse(text(response));
  } catch {
    body = undefined;
  }
  if (isObject(body)) {
    const doc = isObject(body.errorMessage) ? body.errorMessage : body;
    const field = (key) => nonBlank(doc[key]);
    if (field('message') || field('code')) [message, code] = [field('message') ?? '', field('code')];
  }
  const retryAfter = header(response, 'retry-after')?.trim();
  return fromStatus(response.status, message, code, /^\d+$/.test(retryAfter ?? '') ? Number(retryAfter) : undefined);
}

/** The key a listing continues after; undefined on the last page. */
export const nextKey = (response) => nonBlank(header(response, NEXT_KEY_HEADER));

/** An opaque cursor: compact JSON, base64url without padding (the Rust adapters' form). */
export function encodeCursor(state) {
  const bytes = utf8.encode(JSON.stringify(state));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor) {
  try {
    const b64 = cursor.trim().replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(utf8Text.decode(bytes));
  } catch {
    throw invalidInput('cursor', 'malformed `cursor`: pass back the `next` value of the previous page');
  }
}
