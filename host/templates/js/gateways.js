// The gateway noun: list, get, create and delete against the Toy VPN API.
//
// Toy VPN answers pages as `{"gateways": [...], "next_cursor": ...}`. The host checks the
// kind, filters and `parent-id` against the description before it calls; the checks are
// repeated here because the conformance suite calls the adapter directly, and the contract
// wants the same answers then.

import { log } from 'portico:adapter/log@0.2.0';

import { call, encode } from './api.js';
import { invalidInput, outcomeUnknown } from './errors.js';

export const KIND = 'standard';
const STATES = new Set(['provisioning', 'updating', 'available', 'deleting']);

function checkKind(kind) {
  if (kind?.trim() && kind.trim() !== KIND) throw invalidInput('kind', `\`kind\` of a gateway must be \`${KIND}\`, got \`${kind}\``);
}

function checkTopLevel(parentId) {
  if (parentId?.trim()) throw invalidInput('parent-id', 'gateways are top-level: `parent-id` does not apply');
}

/** A Toy VPN gateway document as the contract's record (`raw` keeps all of it). */
export const record = (doc) => ({
  id: doc.id ?? '',
  kind: KIND,
  name: doc.name ?? undefined,
  description: undefined,
  state: STATES.has(doc.state) ? doc.state : 'unknown',
  providerState: doc.state ?? '',
  publicAddresses: doc.public_ip ? [doc.public_ip] : [],
  networks: [...(doc.networks ?? [])],
  labels: [],
  createdAt: doc.created_at ?? undefined,
  raw: JSON.stringify(doc),
});

const path = (id) => `/gateways/${encode(id)}`;

export function list(query) {
  for (const [key] of query.filters) throw invalidInput(`filters.${key}`, `unknown filter \`${key}\`: gateways take none`);
  checkKind(query.kind);
  checkTopLevel(query.parentId);
  const params = [['limit', String(Math.min(Math.max(query.page.limit ?? 20, 1), 100))]];
  if (query.page.cursor) params.push(['cursor', query.page.cursor]);
  const page = call('get', '/gateways', params) ?? {};
  return { items: (page.gateways ?? []).map(record), next: page.next_cursor ?? undefined, ahead: [] };
}

export function get(target) {
  checkKind(target.kind);
  checkTopLevel(target.parentId);
  return record(call('get', path(target.id)));
}

export function create(spec) {
  checkKind(spec.kind);
  for (const [field, value] of [['description', spec.description], ['public-address', spec.publicAddress]]) {
    if (value) throw invalidInput(field, `\`${field}\` does not apply: Toy VPN gateways have none of their own`);
  }
  if (spec.labels.length) throw invalidInput('labels', 'Toy VPN gateways have no labels');
  if (spec.clear.length) throw invalidInput('clear', '`clear` applies to updates only');
  let body;
  try {
    body = spec.properties?.trim() ? JSON.parse(spec.properties) : {};
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidInput('properties', '`properties` must be a JSON object');
  }
  if (spec.name) body.name = spec.name;
  if (spec.networks.length) body.networks = [...spec.networks];
  try {
    return record(call('post', '/gateways', [], body));
  } catch (e) {
    if (!(outcomeUnknown(e) && spec.name)) throw e;
    // The create may have happened: look the gateway up by its unique name.
    log('warn', `the outcome of creating gateway \`${spec.name}\` is unknown: looking it up`);
    const found = findByName(spec.name);
    if (!found) throw e;
    return found;
  }
}

function findByName(name) {
  let cursor;
  for (let pages = 0; pages < 1000; pages++) {
    const page = list({ parentId: undefined, kind: undefined, filters: [], page: { limit: 100, cursor } });
    const found = page.items.find((g) => g.name === name);
    if (found) return found;
    if (!page.next || page.next === cursor) return undefined;
    cursor = page.next;
  }
  return undefined;
}

export function remove(target) {
  checkKind(target.kind);
  checkTopLevel(target.parentId);
  call('delete', path(target.id));
}
