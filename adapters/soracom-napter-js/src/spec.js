// A `mapping-spec` -> a checked `CreatePortMappingRequest` body.
//
// Every rule is checked here, before any request goes out (not even the token exchange), and
// every refusal is `invalid-input` naming the field at fault:
//
// | spec field | meaning | Soracom field |
// |---|---|---|
// | `destination` | `sim:<simId>[:port]` or `imsi:<imsi>[:port]` | `destination.simId` / `.imsi`, `.port` |
// | `allowed-networks` | CIDRs (IPv4 or IPv6) allowed to connect | `source.ipRanges` |
// | `properties.simId`, `.imsi`, `.port` | the same as in `destination`; must agree with it | `destination.*` |
// | `properties.service` | `air` or `arc`; SIM ids only | `destination.service` |
// | `properties.duration` | seconds, 1 to 28800 (8 hours) | `duration` |
// | `properties.tlsRequired` | Soracom terminates TLS on the public side | `tlsRequired` |
//
// Numbers may be JSON numbers or strings of digits. `name` and `source` are refused: entries
// have no name, and Soracom picks the public endpoint.

import { nonBlank } from './api.js';
import { invalidInput } from './errors.js';

export const KIND = 'port-mapping';
export const MAX_DURATION_SECS = 28_800;
export const PROPERTY_KEYS = ['simId', 'imsi', 'port', 'service', 'duration', 'tlsRequired'];

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Check a spec; return the request body. */
export function parse(spec) {
  if (nonBlank(spec.name)) {
    throw invalidInput('name', `\`name\` is not supported: Napter entries have no name (got \`${nonBlank(spec.name)}\`)`);
  }
  if (nonBlank(spec.source)) {
    throw invalidInput(
      'source',
      `\`source\` is not supported: Soracom assigns the public endpoint (got \`${nonBlank(spec.source)}\`); ` +
        'restrict who may connect with `allowed-networks`',
    );
  }
  const properties = parseObject(spec.properties, 'properties');
  const unknown = Object.keys(properties).find((key) => !PROPERTY_KEYS.includes(key));
  if (unknown !== undefined) {
    throw invalidInput(`properties/${unknown}`, `unknown key \`${unknown}\` in \`properties\` (known: ${PROPERTY_KEYS.join(', ')})`);
  }

  // Every place that names the SIM, the IMSI or the port, as [field, value]: they must agree.
  const sims = [];
  const imsis = [];
  const ports = [];
  if (nonBlank(spec.destination)) {
    const [scheme, device, port] = parseDestination(spec.destination);
    (scheme === 'sim' ? sims : imsis).push(['destination', device]);
    if (port !== undefined) ports.push(['destination', port]);
  }
  const parent = nonBlank(spec.parentId);
  if (parent) sims.push(['parent-id', parent.trim()]);
  const simProperty = stringProperty(properties, 'simId');
  if (simProperty !== undefined) sims.push(['properties.simId', simProperty]);
  const imsiProperty = stringProperty(properties, 'imsi');
  if (imsiProperty !== undefined) imsis.push(['properties.imsi', imsiProperty]);
  if (Object.hasOwn(properties, 'port')) ports.push(['properties.port', parsePort(properties.port, 'properties/port')]);
  const sim = agree(sims, 'SIM id');
  const imsi = agree(imsis, 'IMSI');
  const port = agree(ports, 'port');

  const service = stringProperty(properties, 'service');
  if (service !== undefined && service !== 'air' && service !== 'arc') {
    throw invalidInput('properties/service', `\`service\` must be \`air\` or \`arc\`, got \`${service}\``);
  }
  if (sim !== undefined && imsi !== undefined) {
    throw invalidInput('destination', '`destination` names both a SIM id and an IMSI: give one of them');
  }
  if (sim === undefined && imsi === undefined) {
    throw invalidInput(
      'destination',
      'missing `destination`: give `sim:<simId>[:port]` or `imsi:<imsi>[:port]` (or `properties.simId` / `properties.imsi`)',
    );
  }
  if (imsi !== undefined && service !== undefined) {
    throw invalidInput('properties/service', '`service` applies only to a SIM id (`sim:<simId>`), not to an IMSI');
  }
  if (port === undefined) {
    throw invalidInput(
      'destination',
      'missing `port`: give the device port in `destination` (`sim:<simId>:<port>`) or as `properties.port`',
    );
  }

  const destination = sim !== undefined ? { simId: sim, ...(service ? { service } : {}), port } : { imsi, port };
  const body = { destination };
  if (Object.hasOwn(properties, 'duration')) body.duration = parseDuration(properties.duration);
  const ranges = spec.allowedNetworks.map(checkCidr);
  if (ranges.length) body.source = { ipRanges: ranges };
  if (Object.hasOwn(properties, 'tlsRequired')) body.tlsRequired = parseTlsRequired(properties.tlsRequired);
  return body;
}

/**
 * A JSON object from text; blank or `null` is `{}`. The host always sends an object for
 * `properties` (`{}` when the user gave none), but an adapter called directly may not.
 */
export function parseObject(text, field) {
  if (!text.trim()) return {};
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalidInput(field, `\`${field}\` is not valid JSON: ${e.message}`);
  }
  if (value === null) return {};
  if (!isObject(value)) throw invalidInput(field, `\`${field}\` must be a JSON object`);
  return value;
}

/** `sim:<simId>[:port]` or `imsi:<imsi>[:port]` -> [scheme, id, port or undefined]. */
function parseDestination(given) {
  const text = given.trim();
  const invalid = () =>
    invalidInput('destination', `\`destination\` must be \`sim:<simId>[:port]\` or \`imsi:<imsi>[:port]\`, got \`${text}\``);
  const colon = text.indexOf(':');
  if (colon < 0) throw invalid();
  const scheme = text.slice(0, colon).trim();
  const rest = text.slice(colon + 1);
  const second = rest.indexOf(':');
  const device = (second < 0 ? rest : rest.slice(0, second)).trim();
  if (!device || (scheme !== 'sim' && scheme !== 'imsi')) throw invalid();
  return [scheme, device, second < 0 ? undefined : parsePort(rest.slice(second + 1), 'destination')];
}

function agree(values, what) {
  if (!values.length) return undefined;
  const [firstField, first] = values[0];
  const other = values.find(([, value]) => value !== first);
  if (other) {
    const [field, value] = other;
    throw invalidInput(field.replace('.', '/'), `\`${firstField}\` and \`${field}\` name different ${what}s (\`${first}\` and \`${value}\`)`);
  }
  return first;
}

const shown = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

/** A non-blank string property, trimmed; undefined when absent, null or blank. */
function stringProperty(properties, key) {
  const value = Object.hasOwn(properties, key) ? properties[key] : undefined;
  if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) return undefined;
  if (typeof value !== 'string') throw invalidInput(`properties/${key}`, `\`${key}\` must be a string, got \`${shown(value)}\``);
  return value.trim();
}

/** A whole number from a JSON number or a string of digits; undefined otherwise. */
function wholeNumber(value) {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e18 ? value : undefined;
  if (typeof value === 'string' && /^[+-]?[0-9]+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function parsePort(value, field) {
  const n = wholeNumber(value);
  if (n === undefined || n < 1 || n > 65535) {
    throw invalidInput(field, `\`port\` must be a whole number from 1 to 65535, got \`${shown(value)}\``);
  }
  return n;
}

function parseDuration(value) {
  const n = wholeNumber(value);
  if (n === undefined || n < 1 || n > MAX_DURATION_SECS) {
    throw invalidInput(
      'properties/duration',
      `\`duration\` must be a whole number of seconds from 1 to ${MAX_DURATION_SECS} (8 hours), got \`${shown(value)}\``,
    );
  }
  return n;
}

function parseTlsRequired(value) {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim())) return value.trim() === 'true';
  throw invalidInput('properties/tlsRequired', `\`tlsRequired\` must be true or false, got \`${JSON.stringify(value)}\``);
}

/** Dotted-quad IPv4, each octet 0-255 without leading zeros (as Rust and Python parse it). */
export function isIpv4(text) {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((o) => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255);
}

/** IPv6 in its text forms: eight groups, one `::`, an IPv4 tail; no zone id. */
export function isIpv6(text) {
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return false;
  let body = text;
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIpv4(tail)) return false;
    body = `${text.slice(0, lastColon + 1)}0:0`; // the IPv4 tail fills two groups
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const groups = (half) => (half === '' ? [] : half.split(':'));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

/** An IPv4 or IPv6 CIDR with a prefix length in range; returned trimmed. */
export function checkCidr(text) {
  const cidr = text.trim();
  const invalid = (why) => invalidInput('allowed-networks', `\`allowed-networks\` entry \`${cidr}\` is not a CIDR: ${why}`);
  const slash = cidr.indexOf('/');
  if (slash < 0) throw invalid('expected address/prefix, e.g. 203.0.113.0/24');
  const [address, prefix] = [cidr.slice(0, slash), cidr.slice(slash + 1)];
  if (!/^[0-9]+$/.test(prefix) || Number(prefix) > 255) throw invalid('the prefix length is not a number');
  const width = isIpv4(address) ? 32 : isIpv6(address) ? 128 : undefined;
  if (width === undefined) throw invalid('the address is not an IPv4 or IPv6 address');
  if (Number(prefix) > width) throw invalid(`the prefix length must be 0 to ${width}`);
  return cidr;
}
