"""The contract's `error` variant, as exceptions to raise.

An export that returns `result<T, error>` answers its error by raising
`componentize_py_types.Err(value)`; any other exception is a bug and traps the component (the
host then shows what the adapter wrote to stderr). So every expected failure goes through one
of these helpers, which return the `Err` to raise:

    raise errors.invalid_input("name", "`name` is required")
"""

from componentize_py_types import Err
from wit_world.imports import types


def problem(message, status=None, code=None, field=None):
    return types.Problem(message=message, status=status, code=code, field=field)


def invalid_input(field, message):
    """`invalid-input` naming the input at fault: a typed field in kebab-case (`name`), a
    pointer into `properties` (`properties/region`), `filters.KEY`, `kind`, `parent-id` or
    `cursor`."""
    return Err(types.Error_InvalidInput(problem(message, field=field)))


def provider(message):
    return Err(types.Error_Provider(problem(message)))


def unsupported(message):
    return Err(types.Error_Unsupported(message))


def host(host_error):
    """A host error (a refusal, a transport failure, a limit, a credential the host could not
    apply) passed on unchanged, so the CLI can tell it from what the provider said."""
    return Err(types.Error_Host(host_error))


def from_status(status, message, code=None, field=None):
    """The variant for a non-2xx status, with what the provider said about it."""
    p = problem(message or f"HTTP {status}", status=status, code=code, field=field)
    cases = {400: types.Error_InvalidInput, 422: types.Error_InvalidInput, 401: types.Error_Unauthorized,
             403: types.Error_Forbidden, 404: types.Error_NotFound, 409: types.Error_Conflict}
    if status == 429:
        return Err(types.Error_RateLimited(types.RateLimit(retry_after_secs=None, problem=p)))
    return Err(cases.get(status, types.Error_Provider)(p))


def outcome_unknown(err):
    """Whether a failed change may still have happened: the connection broke after the
    request went out, or the provider answered 5xx."""
    value = err.value
    if isinstance(value, types.Error_Host) and isinstance(value.value, types.HostError_Transport):
        return value.value.value.maybe_processed
    return isinstance(value, types.Error_Provider) and (value.value.status or 0) >= 500
