// The contract's `error` variant, as exceptions to throw.
//
// An export that returns `result<T, error>` answers its error by throwing: componentize-js
// lowers a thrown object's `payload` (a `{ tag, val }` case of `error`) as the `err` value.
// Anything else thrown is a bug and traps the component; the host then shows what the adapter
// wrote to stderr. So every expected failure goes through one of these helpers:
//
//     throw invalidInput('name', '`name` is required');

/** An `error` case with the JS niceties of an Error (message, stack). */
export class ContractError extends Error {
  constructor(payload) {
    super(typeof payload.val === 'string' ? payload.val : (payload.val?.message ?? payload.val?.problem?.message));
    this.payload = payload;
  }
}

export const problem = (message, { status, code, field } = {}) => ({ message, status, code, field });

/**
 * `invalid-input` naming the input at fault: a typed field in kebab-case (`name`), a pointer
 * into `properties` (`properties/region`), `filters.KEY`, `kind`, `parent-id` or `cursor`.
 */
export const invalidInput = (field, message) =>
  new ContractError({ tag: 'invalid-input', val: problem(message, { field }) });

export const provider = (message) => new ContractError({ tag: 'provider', val: problem(message) });

export const unsupported = (message) => new ContractError({ tag: 'unsupported', val: message });

/**
 * A host error (a refusal, a transport failure, a limit, a credential the host could not
 * apply) passed on unchanged, so the CLI can tell it from what the provider said.
 */
export const host = (hostError) => new ContractError({ tag: 'host', val: hostError });

const CASES = { 400: 'invalid-input', 422: 'invalid-input', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 409: 'conflict' };

/** The case for a non-2xx status, with what the provider said about it. */
export function fromStatus(status, message, code, field) {
  const p = problem(message || `HTTP ${status}`, { status, code, field });
  if (status === 429) return new ContractError({ tag: 'rate-limited', val: { retryAfterSecs: undefined, problem: p } });
  return new ContractError({ tag: CASES[status] ?? 'provider', val: p });
}

/**
 * Whether a failed change may still have happened: the connection broke after the request
 * went out, or the provider answered 5xx.
 */
export function outcomeUnknown(e) {
  const payload = e instanceof ContractError ? e.payload : undefined;
  if (payload?.tag === 'host') return payload.val.tag === 'transport' && payload.val.val.maybeProcessed;
  return payload?.tag === 'provider' && (payload.val.status ?? 0) >= 500;
}
