// portico adapter `{{name}}`, in JavaScript (componentize-js): the gateways of the Toy VPN API.
//
// componentize-js maps each exported interface of the world to a named export of this module
// (`adapter`, `gateways`, `operations`, ...) holding its functions; the imports
// (`portico:adapter/http@0.2.0`, ...) are module specifiers. The world exports all four nouns;
// the three this adapter does not serve answer `unsupported` (the host never calls them: the
// description declares only the gateway noun). The logic lives in the other modules of src/.

import { description } from './describe.js';
import { unsupported } from './errors.js';
import * as noun from './gateways.js';

export const adapter = { describe: description };

export const gateways = {
  list: noun.list,
  get: noun.get,
  create: noun.create,
  update() {
    throw unsupported('gateway.update is not supported by this adapter');
  },
  delete: noun.remove,
};

export const operations = {
  catalog: () => [],
  invoke(name) {
    throw unsupported(`operation \`${name}\` is not supported by this adapter`);
  },
};

const notServed = (word) =>
  Object.fromEntries(
    ['list', 'get', 'create', 'update', 'delete'].map((action) => [
      action,
      () => {
        throw unsupported(`${word}.${action} is not supported by this adapter`);
      },
    ]),
  );

export const tunnels = notServed('tunnel');
export const peers = notServed('peer');
export const mappings = notServed('mapping');
