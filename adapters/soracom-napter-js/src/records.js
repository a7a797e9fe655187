// Soracom `PortMapping` documents -> the contract's `mapping` records, and entry ids.
//
// An entry has no id of its own: it is named by its public endpoint `ipAddress:port`
// (`[ipAddress]:port` for IPv6), which is also what deleting it takes.

import { invalidInput } from './errors.js';
import { KIND } from './spec.js';

/** `ip:port` or `[v6]:port` -> [ip, port]; anything else is `invalid-input` naming `id`. */
export function parseId(given) {
  const text = given.trim();
  const invalid = () => invalidInput('id', `\`id\` must be the entry's endpoint \`ipAddress:port\`, got \`${text}\``);
  let ip;
  let port;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') throw invalid();
    [ip, port] = [text.slice(1, close), text.slice(close + 2)];
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw invalid();
    [ip, port] = [text.slice(0, colon), text.slice(colon + 1)];
    if (ip.includes(':')) throw invalid();
  }
  if (!ip || !/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw invalid();
  return [ip, Number(port)];
}

export const showId = (ip, port) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/** A whole number, whether the API sent an integer, a float or a string. */
function number(value) {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 9e15 ? value : undefined;
  if (typeof value === 'string' && /^[+-]?[0-9]+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

const str = (value) => (typeof value === 'string' ? value : undefined);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The [ip, port] of a document, or undefined when it lacks either. */
export function entryId(doc) {
  if (!isObject(doc) || typeof doc.ipAddress !== 'string') return undefined;
  const port = number(doc.port);
  return port !== undefined && port >= 0 && port <= 65535 ? [doc.ipAddress, port] : undefined;
}

/** Unix milliseconds as RFC 3339 UTC (`2024-05-01T10:00:00Z`, `.mmm` when not zero). */
export function rfc3339FromMs(ms) {
  if (ms === undefined) return undefined;
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString(); // always `.mmm`; years past 9999 get a sign (`+010000-...`)
  return ms % 1000 === 0 ? iso.replace('.000Z', 'Z') : iso;
}

/**
 * A mapping record. `source` is where clients connect (`hostname:port`, else the endpoint),
 * `destination` the device in the create syntax, `parent-id` the SIM (an entry for an IMSI has
 * no parent).
 */
export function mapping(doc) {
  const entry = entryId(doc);
  const id = entry ? showId(...entry) : (str(doc.endpoint) ?? '');
  const expired = doc.expired === true;
  const hostname = str(doc.hostname);
  const destination = isObject(doc.destination) ? doc.destination : {};
  const sim = str(destination.simId) || str(doc.simId);
  const imsi = str(destination.imsi) || str(doc.imsi);
  const device = sim ? `sim:${sim}` : imsi ? `imsi:${imsi}` : undefined;
  const devicePort = number(destination.port);
  const ranges = isObject(doc.source) && Array.isArray(doc.source.ipRanges) ? doc.source.ipRanges : [];
  return {
    id,
    parentId: sim || undefined,
    kind: KIND,
    name: undefined,
    state: expired ? 'inactive' : 'available',
    providerState: expired ? 'expired' : 'active',
    source: hostname && entry ? `${hostname}:${entry[1]}` : id || undefined,
    destination: device && devicePort !== undefined ? `${device}:${devicePort}` : device,
    allowedNetworks: ranges.filter((r) => typeof r === 'string'),
    labels: [],
    expiresAt: rfc3339FromMs(number(doc.expiredTime)),
    createdAt: rfc3339FromMs(number(doc.createdTime)),
    raw: JSON.stringify(doc),
  };
}
