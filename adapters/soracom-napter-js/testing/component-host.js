// The fake host in the shape a component transpiled by jco imports it: one namespace object
// per interface (`http.send`, `config.get`, ...), for test/component.test.js.

import * as fake from './fake-host.js';

export const http = {
  send: fake.send,
  sendAll: (requests) =>
    requests.map((request) => {
      try {
        return { tag: 'ok', val: fake.send(request) };
      } catch (e) {
        return { tag: 'err', val: e.payload };
      }
    }),
};
export const config = { get: fake.get };
export const log = { log: fake.log };
// Napter needs no identity fields and no signatures: refuse, as the host refuses an
// undeclared use.
const denied = () => {
  throw new fake.ComponentError({ tag: 'denied', val: { reason: 'signature-not-allowed', message: 'not declared' } });
};
export const credentials = { identity: denied, sign: denied };
