// What the adapter tells the host about itself: the gateway noun and what it supports, the
// host it reaches, the credential the host applies for it, the reserved `endpoint` setting,
// and the example the conformance suite (`portico adapter test`) creates.

import { CREDENTIAL, HOST } from './api.js';
import { KIND } from './gateways.js';

export const NAME = '{{name}}';
export const VERSION = '0.1.0';

export const description = () => ({
  name: NAME,
  version: VERSION,
  provider: 'Toy VPN',
  summary: 'Toy VPN gateways',
  nouns: [
    {
      noun: 'gateway',
      // `update` is left out: the host then answers it without calling us.
      actions: ['list', 'get', 'create', 'delete'],
      parent: 'none',
      filters: [],
      labels: false,
      // Toy VPN names are unique: a create whose outcome is unknown is looked up by name.
      uniqueNames: true,
    },
  ],
  // Toy VPN gateways have no description field and no IPSec parameters.
  kinds: [{ noun: 'gateway', kind: KIND, description: 'a Toy VPN gateway', descriptions: false }],
  hosts: [HOST],
  credentials: [
    {
      name: CREDENTIAL,
      description: 'Toy VPN API token',
      fields: [{ name: 'token', description: 'API token', secret: true }],
      // The host sends `Authorization: Bearer <token>`; the token never enters the adapter.
      schemes: [{ tag: 'bearer', val: 'token' }],
      hosts: [HOST],
    },
  ],
  // `endpoint` is reserved: the host grants that origin (plain http allowed) and binds the
  // approved credential to it, which is how a profile points at the emulator.
  settings: [
    { key: 'endpoint', description: 'Origin used instead of the API host', required: false, defaultValue: undefined, allowed: [] },
  ],
  secretInputs: [],
  examples: [
    {
      noun: 'gateway',
      kind: KIND,
      parentKind: undefined,
      // The suite makes the name unique per run. `{}`: no update.
      create: JSON.stringify({ name: 'example', networks: ['10.10.0.0/24'] }),
      update: '{}',
      secrets: [],
      prepare: [],
    },
  ],
});
