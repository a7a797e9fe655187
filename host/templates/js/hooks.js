// Module resolution hooks for the unit tests: every `portico:adapter/...` import of the
// adapter resolves to the fake host (testing/fake-host.js), as the component build resolves
// it to the real imports.

const FAKE_HOST = new URL('./fake-host.js', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('portico:adapter/')) return { url: FAKE_HOST, shortCircuit: true };
  return next(specifier, context);
}
