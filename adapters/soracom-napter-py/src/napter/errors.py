"""The contract's `error` variant, as exceptions to raise.

An export that returns `result<T, error>` answers its error by raising
`componentize_py_types.Err(value)`; any other exception is a bug and traps the component
(the host then shows what the guest wrote to stderr). So every expected failure goes
through one of these helpers, which return the `Err` to raise:

    raise errors.invalid_input("destination", "`destination` must be ...")
"""

from componentize_py_types import Err
from wit_world.imports import types


def problem(message, status=None, code=None, field=None):
    return types.Problem(message=message, status=status, code=code, field=field)


def invalid_input(field, message):
    """`invalid-input` naming the input at fault: a typed field in kebab-case
    (`allowed-networks`), a pointer into `properties` (`properties/duration`), `filters.KEY`,
    `param:NAME`, `cursor` or `body`."""
    return Err(types.Error_InvalidInput(problem(message, field=field)))


def not_found(message):
    return Err(types.Error_NotFound(problem(message)))


def provider(message):
    return Err(types.Error_Provider(problem(message)))


def unsupported(message):
    return Err(types.Error_Unsupported(message))


def host(host_error):
    """A host error (a refusal, a transport failure, a limit, a credential the host could
    not apply) passed on unchanged, so the CLI can tell it from what the provider said."""
    return Err(types.Error_Host(host_error))


def from_status(status, message, code=None, retry_after=None):
    """The variant for a non-2xx status, with what the provider said about it."""
    p = problem(message if message.strip() else f"HTTP {status}", status=status, code=code)
    if status in (400, 422):
        return Err(types.Error_InvalidInput(p))
    if status == 401:
        return Err(types.Error_Unauthorized(p))
    if status == 403:
        return Err(types.Error_Forbidden(p))
    if status == 404:
        return Err(types.Error_NotFound(p))
    if status == 409:
        return Err(types.Error_Conflict(p))
    if status == 429:
        return Err(types.Error_RateLimited(types.RateLimit(retry_after_secs=retry_after, problem=p)))
    return Err(types.Error_Provider(p))


def outcome_unknown(err):
    """Whether a failed change may still have happened: the connection broke after the
    request went out, or the provider answered 5xx."""
    value = err.value
    if isinstance(value, types.Error_Host) and isinstance(value.value, types.HostError_Transport):
        return value.value.value.maybe_processed
    if isinstance(value, types.Error_Provider):
        return (value.value.status or 0) >= 500
    return False
