// portico adapter for Soracom Napter On-Demand Remote Access, in JavaScript (componentize-js).
//
// componentize-js maps each exported interface of the world to a named export of this module
// (`adapter`, `mappings`, `operations`, ...) holding its functions; the imports
// (`portico:adapter/http@0.2.0`, ...) are module specifiers. The world exports all four nouns,
// so the three Napter does not have answer `unsupported`; the host never calls them anyway,
// since the description declares only the mapping noun.
//
// The logic lives in the other modules of src/; this one only wires it to the exports.

import * as catalog from './catalog.js';
import { description } from './describe.js';
import { unsupported } from './errors.js';
import * as napter from './mappings.js';

export const adapter = { describe: description };

export const mappings = {
  list: napter.list,
  get: napter.get,
  create: napter.create,
  update() {
    throw unsupported(napter.UNSUPPORTED_UPDATE);
  },
  delete: napter.remove,
};

export const operations = {
  catalog: () => catalog.OPERATIONS,
  invoke(name, params, body, cursor, _secrets) {
    // Napter declares no secret inputs, so `_secrets` is always empty. (An adapter that has
    // some only ever sees `{{secret:NAME}}` placeholders, already where the user put them in
    // `body`; the host swaps in the value on the wire, and only at a placement the description
    // declares for that input.) An absent option arrives as `undefined`.
    return catalog.invoke(name, params, body ?? undefined, cursor ?? undefined);
  },
};

const notANapterNoun = (noun) =>
  Object.fromEntries(
    ['list', 'get', 'create', 'update', 'delete'].map((action) => [
      action,
      () => {
        throw unsupported(`${noun}.${action} is not supported by this adapter`);
      },
    ]),
  );

export const gateways = notANapterNoun('gateway');
export const tunnels = notANapterNoun('tunnel');
export const peers = notANapterNoun('peer');
