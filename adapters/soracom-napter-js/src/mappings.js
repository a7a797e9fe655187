// The mapping noun: Napter port mappings (On-Demand Remote Access entries).
//
// An entry's parent, when it has one, is the SIM it forwards to (`--parent SIM`, the same as
// the `sim-id` filter); an entry for an IMSI has none. Entries cannot be changed, and have no
// labels and no name. The host checks kind, filters and `parent-id` against the
// description before it calls; the checks are repeated here because the conformance suite may
// call the adapter directly, and the contract wants the same answers then.
//
// Napter has no GET by id: `get` walks the list. Without filters, `list` pages through
// `GET /port_mappings` (the cursor wraps the `x-soracom-next-key` header); `sim-id` and `imsi`
// list one SIM's or IMSI's entries in one page, and those answer 404 when there are none,
// which is an empty list.

import { log } from 'portico:adapter/log@0.2.0';

import * as api from './api.js';
import * as catalog from './catalog.js';
import { invalidInput, isCase, notFound, outcomeUnknown, provider } from './errors.js';
import * as records from './records.js';
import * as spec from './spec.js';

export const FILTERS = [
  { key: 'sim-id', description: 'entries created for this SIM id (one page)' },
  { key: 'imsi', description: 'entries created for this IMSI (one page)' },
];
export const UNSUPPORTED_UPDATE =
  'mapping.update is not supported by this adapter; Soracom Napter cannot change an entry: delete it and create a new one';
// A guard against a `x-soracom-next-key` that never ends.
const MAX_LOOKUP_PAGES = 1000;

function checkKind(kind) {
  const given = api.nonBlank(kind);
  if (given && given !== spec.KIND) throw invalidInput('kind', `\`kind\` of a mapping must be \`${spec.KIND}\`, got \`${given}\``);
}

export function list(query) {
  for (const [key] of query.filters) {
    if (!FILTERS.some((f) => f.key === key.trim())) {
      throw invalidInput(`filters.${key.trim()}`, `unknown filter \`${key}\` (known: \`sim-id\`, \`imsi\`)`);
    }
  }
  checkKind(query.kind);
  let sim = api.nonBlank(query.parentId);
  let imsi;
  for (const [rawKey, rawValue] of query.filters) {
    const [key, value] = [rawKey.trim(), rawValue.trim()];
    if (!value) throw invalidInput(`filters.${key}`, `filter \`${key}\` needs a value`);
    if (key === 'sim-id') {
      if (sim !== undefined && sim !== value) {
        throw invalidInput('filters.sim-id', `filter \`sim-id\` \`${value}\` differs from the parent \`${sim}\``);
      }
      sim = value;
    } else {
      imsi = value;
    }
  }
  if (sim && imsi) throw invalidInput('filters.imsi', 'filters `sim-id` and `imsi` cannot be combined: give one of them');
  const cursor = api.nonBlank(query.page.cursor);
  if (sim || imsi) {
    if (cursor) {
      throw invalidInput(
        'cursor',
        'a `cursor` does not apply to a list filtered by `sim-id` or `imsi`: those lists have one page',
      );
    }
    const docs = sim ? listFor(catalog.LIST_FOR_SIM, 'sim_id', sim) : listFor(catalog.LIST_FOR_SUBSCRIBER, 'imsi', imsi);
    return { items: docs.map(records.mapping), next: undefined, ahead: [] };
  }
  let key;
  if (cursor) {
    const state = api.decodeCursor(cursor);
    if (typeof state?.key !== 'string') {
      throw invalidInput('cursor', 'malformed `cursor`: pass back the `next` value of the previous page');
    }
    key = state.key;
  }
  const [docs, next] = listPage(query.page.limit, key);
  return {
    items: docs.map(records.mapping),
    next: next ? api.encodeCursor({ key: next }) : undefined,
    ahead: [],
  };
}

function array(doc) {
  if (doc === undefined || doc === null) return [];
  if (!Array.isArray(doc)) {
    throw provider('the provider answered the port mapping list request with something other than a JSON array');
  }
  return doc;
}

/** One page of `GET /port_mappings` and the key of the next page. */
function listPage(limit, key) {
  const params = [];
  if (limit !== undefined && limit !== null) params.push(['limit', String(Math.max(limit, 1))]);
  if (key !== undefined) params.push(['last_evaluated_key', key]);
  const response = catalog.call(catalog.LIST, params);
  return [array(api.jsonOf(response)), api.nextKey(response)];
}

/** The entries of one SIM or IMSI; the API answers 404 when there are none. */
function listFor(operation, param, value) {
  try {
    return array(api.jsonOf(catalog.call(operation, [[param, value]])));
  } catch (e) {
    if (isCase(e, 'not-found')) return [];
    throw e;
  }
}

export function get(target) {
  checkKind(target.kind);
  const [ip, port] = records.parseId(target.id);
  const shown = records.showId(ip, port);
  const matches = (doc) => {
    const id = records.entryId(doc);
    return id !== undefined && id[0] === ip && id[1] === port;
  };
  const sim = api.nonBlank(target.parentId);
  if (sim) {
    const found = listFor(catalog.LIST_FOR_SIM, 'sim_id', sim).find(matches);
    if (found) return records.mapping(found);
    throw notFound(`port mapping \`${shown}\` not found (Napter entries are removed when they expire)`);
  }
  let key;
  for (let page = 0; page < MAX_LOOKUP_PAGES; page += 1) {
    const [docs, next] = listPage(undefined, key);
    const found = docs.find((doc) => {
      const id = records.entryId(doc);
      return id !== undefined && id[0] === ip && id[1] === port;
    });
    if (found) return records.mapping(found);
    if (!next || next === key) throw notFound(`port mapping \`${shown}\` not found (Napter entries are removed when they expire)`);
    key = next;
  }
  throw provider(`gave up looking for port mapping \`${shown}\` after ${MAX_LOOKUP_PAGES} pages`);
}

export function create(mappingSpec) {
  checkKind(mappingSpec.kind);
  if (mappingSpec.labels.length) throw invalidInput('labels', "`labels` are not supported: this provider's mappings have no labels");
  if (mappingSpec.clear.length) {
    throw invalidInput('clear', `\`clear\` applies to updates only (got \`${mappingSpec.clear[0]}\` on create)`);
  }
  const body = spec.parse(mappingSpec);
  let doc;
  try {
    doc = api.jsonOf(catalog.call(catalog.CREATE, [], body));
  } catch (e) {
    if (outcomeUnknown(e)) {
      // Entries have no name or other key of ours to look the new one up by, so the error
      // goes back unchanged; the user is told why it may exist all the same.
      log(
        'warn',
        "the create's outcome is unknown, and a Napter entry has no natural key to find it by: " +
          'check `mapping list` before creating it again',
      );
    }
    throw e;
  }
  if (records.entryId(doc) === undefined) {
    throw provider("Soracom answered the create request without the entry's ipAddress and port");
  }
  return records.mapping(doc);
}

export function remove(target) {
  checkKind(target.kind);
  const [ip, port] = records.parseId(target.id);
  try {
    catalog.call(catalog.DELETE, [
      ['ip_address', ip],
      ['port', String(port)],
    ]);
  } catch (e) {
    if (!outcomeUnknown(e)) throw e;
    // The host may have retried a DELETE whose first answer was lost: if the entry is gone
    // now, the delete happened.
    try {
      get(target);
    } catch (lookup) {
      if (isCase(lookup, 'not-found')) return;
    }
    throw e;
  }
}
