// The six operations of the Soracom API tagged `PortMapping`, by operationId.
//
// The mapping noun builds its requests from this table too (`call`), so every path lives in
// one place. `invoke` is `operations.invoke`: parameters checked and placed, the body sent as
// written, a `next` cursor for the paged `listPortMappings`.

import * as api from './api.js';
import { invalidInput, unsupported } from './errors.js';

export const LIST = 'listPortMappings';
export const CREATE = 'createPortMapping';
export const DELETE = 'deletePortMapping';
export const LIST_FOR_SIM = 'listPortMappingsForSim';
export const CREATE_FOR_SIM = 'createPortMappingForSim';
export const LIST_FOR_SUBSCRIBER = 'listPortMappingsForSubscriber';

const param = (name, location, required, description) => ({ name, location, required, description });
const SIM_ID = param('sim_id', 'path', true, 'SIM ID of the target IoT SIM.');

/** The table, in the `operation` record's shape (method and location as enum cases). */
export const OPERATIONS = [
  {
    name: LIST,
    method: 'get',
    path: '/port_mappings',
    summary: 'List the Napter On-Demand Remote Access entries, one page at a time.',
    parameters: [
      param('limit', 'query', false, 'Maximum number of results per response page.'),
      param(
        'last_evaluated_key',
        'query',
        false,
        'The last entry retrieved on the previous page (the `x-soracom-next-key` header); the list continues after it.',
      ),
    ],
    takesBody: false,
    paginated: true,
  },
  {
    name: CREATE,
    method: 'post',
    path: '/port_mappings',
    summary:
      'Create an entry from {destination: {simId, service | imsi, port}, duration, source: {ipRanges}, tlsRequired}.',
    parameters: [],
    takesBody: true,
    paginated: false,
  },
  {
    name: DELETE,
    method: 'delete',
    path: '/port_mappings/{ip_address}/{port}',
    summary: 'Delete the entry published at ip_address:port.',
    parameters: [
      param('ip_address', 'path', true, 'IP address of the entry to delete.'),
      param('port', 'path', true, 'Port number of the entry to delete.'),
    ],
    takesBody: false,
    paginated: false,
  },
  {
    name: LIST_FOR_SIM,
    method: 'get',
    path: '/port_mappings/sims/{sim_id}',
    summary: 'List the entries created for a SIM ID (404 when there are none).',
    parameters: [SIM_ID],
    takesBody: false,
    paginated: false,
  },
  {
    name: CREATE_FOR_SIM,
    method: 'post',
    path: '/port_mappings/sims/{sim_id}',
    summary:
      'Create an entry for a SIM ID from {destination: {port, service}, duration, source: {ipRanges}, tlsRequired}.',
    parameters: [SIM_ID],
    takesBody: true,
    paginated: false,
  },
  {
    name: LIST_FOR_SUBSCRIBER,
    method: 'get',
    path: '/port_mappings/subscribers/{imsi}',
    summary: 'List the entries created for an IMSI (IMSI_PRIORITIZED; 404 when there are none).',
    parameters: [param('imsi', 'path', true, 'IMSI of the target.')],
    takesBody: false,
    paginated: false,
  },
];

export function find(name) {
  const op = OPERATIONS.find((o) => o.name === name);
  // The contract: an unknown operation name is `unsupported`, not `invalid-input`.
  if (!op) throw unsupported(`operation \`${name}\` is not supported by this adapter`);
  return op;
}

/**
 * A checked request for operation `name` as [op, path, query]. Unknown and missing parameters
 * are one `invalid-input` naming them all; its field is `param:NAME` of the first.
 */
export function request(name, params) {
  const op = find(name);
  const known = op.parameters.map((p) => p.name);
  const unknown = params.map(([k]) => k).filter((k) => !known.includes(k));
  const missing = op.parameters.filter((p) => p.required && !params.some(([k]) => k === p.name)).map((p) => p.name);
  if (unknown.length || missing.length) {
    const quoted = (names) => names.map((n) => `\`${n}\``).join(', ');
    const problems = [];
    if (unknown.length) problems.push(`unknown parameter ${quoted(unknown)} (known: ${known.join(', ') || 'none'})`);
    if (missing.length) problems.push(`missing parameter ${quoted(missing)}`);
    throw invalidInput(`param:${[...unknown, ...missing][0]}`, `operation \`${name}\`: ${problems.join('; ')}`);
  }
  const values = new Map(params);
  let path = op.path;
  for (const p of op.parameters.filter((p) => p.location === 'path')) {
    // An empty segment would address the parent collection instead.
    if (!values.get(p.name)) throw invalidInput(`param:${p.name}`, `missing path parameter \`${p.name}\``);
    path = path.replace(`{${p.name}}`, api.encode(values.get(p.name)));
  }
  const inQuery = new Set(op.parameters.filter((p) => p.location === 'query').map((p) => p.name));
  return [op, path, params.filter(([k]) => inQuery.has(k))];
}

/** Send operation `name` (a JSON-able `body` for the creates); non-2xx is the error. */
export function call(name, params = [], body = undefined) {
  const [op, path, query] = request(name, params);
  return api.execute(api.request(op.method, path, query, body === undefined ? undefined : JSON.stringify(body)));
}

/** `operations.invoke`. No operation takes secret inputs, so the body goes as written. */
export function invoke(name, params, body, cursor) {
  const [op, path, given] = request(name, params);
  let query = given;
  if (api.nonBlank(cursor)) {
    if (!op.paginated) throw invalidInput('cursor', `operation \`${name}\` is not paginated and takes no \`cursor\``);
    const state = api.decodeCursor(cursor);
    const wellFormed =
      Array.isArray(state) && state.every((p) => Array.isArray(p) && p.length === 2 && p.every((s) => typeof s === 'string'));
    if (!wellFormed) throw invalidInput('cursor', 'malformed `cursor`: pass back the `next` value of the previous page');
    // The cursor's pairs replace the same parameters given by hand.
    const keys = new Set(state.map(([k]) => k));
    query = [...query.filter(([k]) => !keys.has(k)), ...state];
  }
  if (body !== undefined && !op.takesBody) throw invalidInput('body', `operation \`${name}\` takes no \`body\``);
  if (body === undefined && op.takesBody) throw invalidInput('body', `operation \`${name}\` needs a JSON \`body\``);
  if (body !== undefined) {
    try {
      JSON.parse(body);
    } catch (e) {
      throw invalidInput('body', `\`body\` is not valid JSON: ${e.message}`);
    }
  }
  const response = api.execute(api.request(op.method, path, query, body));
  const key = op.paginated ? api.nextKey(response) : undefined;
  return {
    status: response.status,
    body: bodyOf(response),
    next: key ? api.encodeCursor([[api.LAST_EVALUATED_KEY, key]]) : undefined,
  };
}

/** JSON when the content type says so or the text parses; text otherwise; none if empty. */
export function bodyOf(response) {
  if (!response.body.length) return undefined;
  const text = api.text(response);
  const type = (api.header(response, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  let json = type === 'application/json' || type.endsWith('+json');
  if (!json) {
    try {
      JSON.parse(text);
      json = true;
    } catch {
      json = false;
    }
  }
  return { tag: json ? 'json' : 'text', val: text };
}
