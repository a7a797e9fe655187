// Test harness: registers the resolution hooks, then loads the adapter, so that its
// `portico:adapter/...` imports land on the fake host. Test files import from here only (a
// static import of src/ would be resolved before the hooks exist).

import { register } from 'node:module';

register('./hooks.js', import.meta.url);

export * from './fake-host.js';
export const adapter = await import('../src/adapter.js');
export const describe = await import('../src/describe.js');
export const gateways = await import('../src/gateways.js');
