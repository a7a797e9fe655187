// The built component itself, not its sources: jco transpiles it to JS plus core wasm, which
// runs in node against the fake host. This checks what the unit tests cannot: that
// componentize-js lowers what the adapter returns (`undefined` options, a BigInt u64, thrown
// contract errors) into the WIT types, and lifts what the host answers.
//
// Build first: `./build.sh ../../target/polyglot` (or set NAPTER_JS_WASM). Without a
// component the test is skipped.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, beforeEach, test } from 'node:test';

import { SIM, host, mappingSpec, query, reset, sent } from '../testing/harness.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const wasm = process.env.NAPTER_JS_WASM ?? here('../../../target/polyglot/portico_adapter_soracom_napter_js.wasm');
const skip = existsSync(wasm) ? false : `no component at ${wasm}: run ./build.sh ../../target/polyglot first`;

let component;

before(async () => {
  if (skip) return;
  // Inside node_modules, so that the transpiled code finds @bytecodealliance/preview2-shim.
  const out = here('../node_modules/.portico-component-test');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const hostModule = new URL('../testing/component-host.js', import.meta.url).href;
  execFileSync(here('../node_modules/.bin/jco'), [
    'transpile', wasm, '-o', out, '--name', 'napter', '--no-typescript', '-q', '--map', `portico:adapter/*=${hostModule}#*`,
  ]);
  component = await import(`${out}/napter.js`);
});

beforeEach(reset);

test('describe lowers into the WIT description', { skip }, () => {
  const d = component.adapter.describe();
  assert.equal(d.name, 'soracom-napter-js');
  assert.equal(d.credentials[0].schemes[0].val.lifetimeSeconds, 86400n);
  assert.deepEqual(d.nouns[0].actions, ['list', 'get', 'create', 'delete']);
});

test('a mapping lifecycle through the component', { skip }, () => {
  const created = component.mappings.create(mappingSpec(`sim:${SIM}:22`, '{"duration": 60}', ['198.51.100.0/24']));
  assert.equal(created.destination, `sim:${SIM}:22`);
  const page = component.mappings.list(query({ limit: 1 }));
  assert.deepEqual(page.items.map((m) => m.id), [created.id]);
  component.mappings.delete({ id: created.id });
  assert.deepEqual(sent(), ['POST /v1/port_mappings', 'GET /v1/port_mappings?limit=1', 'DELETE /v1/port_mappings/203.0.113.1/40000']);
});

test('errors come out as the contract cases', { skip }, () => {
  assert.throws(() => component.mappings.list(query({ filters: [['status', 'x']] })), (e) => {
    assert.equal(e.payload.tag, 'invalid-input');
    assert.equal(e.payload.val.field, 'filters.status');
    return true;
  });
  assert.throws(() => component.operations.invoke('nope', [], undefined, undefined, []), (e) => e.payload.tag === 'unsupported');
  const denial = { tag: 'denied', val: { reason: 'host-not-granted', message: 'no' } };
  host.api = () => {
    throw Object.assign(new Error('denied'), { payload: denial });
  };
  assert.throws(() => component.mappings.list(query()), (e) => {
    assert.deepEqual(e.payload, { tag: 'host', val: denial });
    return true;
  });
});
