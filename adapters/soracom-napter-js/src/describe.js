// What the adapter tells the host about itself: the mapping noun and what it supports, the
// Soracom hosts, the `soracom` credential (exchanged by the host at `POST /v1/auth`), the
// profile settings and the example the conformance suite creates.

import { COVERAGES, CREDENTIAL, DEFAULT_COVERAGE, HOSTS } from './api.js';
import { FILTERS } from './mappings.js';
import { KIND } from './spec.js';

export const NAME = 'soracom-napter-js';
export const VERSION = '0.1.0';
// How long a token lives: what the exchange asks for (Soracom's default of 24 hours) and what
// the host assumes (Soracom's answer carries no expiry). A `u64` in WIT, so a BigInt in JS.
export const TOKEN_LIFETIME_SECONDS = 86_400n;

// The exchange body is a template, not JSON the adapter fills in: the host replaces each
// `{{field:NAME}}` with the credential field NAME (JSON-escaped) when it makes the exchange,
// so the AuthKey never passes through the adapter.
export const AUTH_BODY = JSON.stringify({
  authKeyId: '{{field:auth-key-id}}',
  authKey: '{{field:auth-key}}',
  tokenTimeoutSeconds: Number(TOKEN_LIFETIME_SECONDS),
});

// What the conformance suite creates: valid against the bundled emulator. No `name`: Napter
// entries have none (a spec with one is refused). No update: entries cannot be changed.
export const EXAMPLE_CREATE = {
  destination: 'sim:8942310022000012345:22',
  'allowed-networks': ['198.51.100.0/24'],
  properties: { duration: 3600 },
};

const setting = (key, description, defaultValue, allowed) => ({ key, description, required: false, defaultValue, allowed });

export const credential = () => ({
  name: CREDENTIAL,
  description: 'Soracom AuthKey (of the root account or a SAM user), exchanged by the host for an API key and token',
  fields: [
    { name: 'auth-key-id', description: 'AuthKey id (`keyId-...`)', secret: false },
    { name: 'auth-key', description: 'AuthKey secret (`secret-...`)', secret: true },
  ],
  schemes: [
    {
      tag: 'token-exchange',
      val: {
        method: 'post',
        path: '/v1/auth',
        contentType: 'application/json',
        body: AUTH_BODY,
        captures: [
          { pointer: '/apiKey', header: 'X-Soracom-API-Key', prefix: undefined },
          { pointer: '/token', header: 'X-Soracom-Token', prefix: undefined },
        ],
        lifetimeSeconds: TOKEN_LIFETIME_SECONDS,
        lifetimePointer: undefined,
      },
    },
  ],
  hosts: [...HOSTS],
});

export const settings = () => [
  setting('coverage', 'Coverage type: `jp` (Japan, api.soracom.io) or `g` (Global, g.api.soracom.io)', DEFAULT_COVERAGE, [
    ...COVERAGES,
  ]),
  setting(
    'sandbox',
    '`true` to use the API sandbox of the coverage (api-sandbox.soracom.io) instead of production',
    'false',
    ['false', 'true'],
  ),
  // `endpoint` is reserved: the host grants that origin (plain http allowed) and binds the
  // approved credential to it, which is how a profile points at the emulator.
  setting(
    'endpoint',
    'Origin used instead of the coverage\'s host, `/v1` is added (a proxy or an emulator, e.g. http://127.0.0.1:8080)',
    undefined,
    [],
  ),
];

export const description = () => ({
  name: NAME,
  version: VERSION,
  provider: 'Soracom Napter',
  summary:
    'Napter On-Demand Remote Access entries (temporary port mappings to devices behind Soracom SIMs), in JavaScript',
  nouns: [
    {
      noun: 'mapping',
      // `update` is left out: the host then answers it without calling us.
      actions: ['list', 'get', 'create', 'delete'],
      // The parent, when given, is the SIM an entry forwards to.
      parent: 'optional',
      filters: FILTERS.map((f) => ({ ...f })),
      labels: false,
      // Entries have no name at all, so none can be found again by name.
      uniqueNames: false,
    },
  ],
  kinds: [
    {
      noun: 'mapping',
      kind: KIND,
      description: "Napter entry: a public ipAddress:port forwarding to a port of a SIM's device for up to 8 hours",
      // Mappings have no description field, nor IPSec parameters.
      descriptions: false,
      ipsec: undefined,
    },
  ],
  hosts: [...HOSTS],
  credentials: [credential()],
  settings: settings(),
  secretInputs: [],
  examples: [
    {
      noun: 'mapping',
      kind: KIND,
      parentKind: undefined,
      create: JSON.stringify(EXAMPLE_CREATE),
      update: '{}',
      secrets: [],
      prepare: [],
    },
  ],
});
