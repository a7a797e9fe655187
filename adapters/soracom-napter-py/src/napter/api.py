"""The Soracom API as this adapter sees it: where it lives (settings `endpoint`, `coverage`,
`sandbox`), how a request goes out (through the host's `http.send`), how it fails (Soracom's
`{code, message}` body) and how it pages (`x-soracom-next-key` / `last_evaluated_key`).

The adapter never sets `Authorization` or `X-Soracom-*` headers, and could not: it never sees
the AuthKey nor the token. Each request names the credential `soracom`; the host exchanges
its fields at `POST /v1/auth`, caches the API key and token it gets, and adds them as
`X-Soracom-API-Key` / `X-Soracom-Token` on the wire. A guest that set those headers itself
would have the request refused (`denial-reason.header-not-allowed`).
"""

import base64
import json

from componentize_py_types import Err
from wit_world.imports import config, http, log, types

from . import errors

CREDENTIAL = "soracom"
COVERAGES = ["jp", "g"]
DEFAULT_COVERAGE = "jp"
HOSTS = ["api.soracom.io", "g.api.soracom.io", "api-sandbox.soracom.io", "g.api-sandbox.soracom.io"]
NEXT_KEY_HEADER = "x-soracom-next-key"
LAST_EVALUATED_KEY = "last_evaluated_key"

METHODS = {m.name: m for m in types.Method}


def non_blank(value):
    """The value stripped, or None when absent or blank."""
    return value.strip() if value and value.strip() else None


def base_url(endpoint, coverage, sandbox):
    """The base URL including `/v1`: the `endpoint` origin when set, else the coverage's host
    (`jp`: api.soracom.io, `g`: g.api.soracom.io), its `-sandbox` twin when `sandbox` is
    `true`. `coverage` and `sandbox` are checked even with an endpoint, so a typo fails the
    same way against the emulator and in production."""
    coverage = non_blank(coverage) or DEFAULT_COVERAGE
    if coverage not in COVERAGES:
        raise errors.invalid_input(None, f"setting `coverage` must be `jp` or `g`, got `{coverage}`")
    sandbox = non_blank(sandbox) or "false"
    if sandbox not in ("true", "false"):
        raise errors.invalid_input(None, f"setting `sandbox` must be `true` or `false`, got `{sandbox}`")
    endpoint = non_blank(endpoint)
    if endpoint:
        endpoint = endpoint.rstrip("/")
        if not endpoint.startswith(("https://", "http://")):
            raise errors.invalid_input(None, f"setting `endpoint` must be an http(s) URL, got `{endpoint}`")
        # The setting is an origin (as soracom-cli's); one that already names `/v1` is fine too.
        return endpoint.removesuffix("/v1") + "/v1"
    prefix = "g." if coverage == "g" else ""
    api = "api-sandbox" if sandbox == "true" else "api"
    return f"https://{prefix}{api}.soracom.io/v1"


def profile_base_url():
    return base_url(config.get("endpoint"), config.get("coverage"), config.get("sandbox"))


UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def encode(value):
    """Percent-encode every byte but the RFC 3986 unreserved ones, so an id with `/`, `?` or
    `#` can never change which resource a URL names."""
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in value.encode())


def request(method, path, query=(), body=None):
    """A request to `path` under the profile's base URL, naming the `soracom` credential.
    `body` (a JSON text) is sent as `application/json`."""
    url = profile_base_url() + path
    if query:
        url += "?" + "&".join(f"{encode(k)}={encode(v)}" for k, v in query)
    headers = [("Accept", "application/json")]
    if body is not None:
        headers.append(("Content-Type", "application/json"))
    return http.Request(
        method=METHODS[method],
        url=url,
        headers=headers,
        body=body.encode() if body is not None else None,
        credential=CREDENTIAL,
        signatures=[],
        # None: the host decides by method (GET and DELETE are retried, POST is not).
        idempotent=None,
    )


def send(req):
    """Send through the host; a host error is passed on unchanged as `error.host`."""
    log.log(log.Level.DEBUG, f"{req.method.name} {req.url}")
    try:
        return http.send(req)
    except Err as e:
        raise errors.host(e.value) from None


def execute(req):
    """Send, and turn a non-2xx answer into the contract's error."""
    response = send(req)
    if not 200 <= response.status < 300:
        raise map_error(response)
    return response


def header(response, name):
    return next((v for k, v in response.headers if k.lower() == name), None)


def text_excerpt(response, limit=500):
    text = response.body.decode(errors="replace").strip()
    return text[:limit] + "..." if len(text) > limit else text


def json_of(response):
    """The response body as JSON (None when empty); anything else is a provider error."""
    if not response.body.strip():
        return None
    try:
        return json.loads(response.body)
    except ValueError as e:
        raise errors.provider(f"HTTP {response.status}: response is not JSON ({e}): {text_excerpt(response)}") from None


def map_error(response):
    """Soracom's flat `{"code", "message"}` body, or the `{"errorMessage": {...}}` wrapper,
    as the variant of the status; other bodies fall back to their text."""
    message, code = text_excerpt(response), None
    try:
        body = json.loads(response.body)
    except ValueError:
        body = None
    if isinstance(body, dict):
        doc = body["errorMessage"] if isinstance(body.get("errorMessage"), dict) else body
        said = {key: non_blank(doc[key]) for key in ("message", "code") if isinstance(doc.get(key), str)}
        if said.get("message") or said.get("code"):
            message, code = said.get("message") or "", said.get("code")
    retry_after = header(response, "retry-after")
    retry_after = int(retry_after.strip()) if retry_after and retry_after.strip().isdigit() else None
    return errors.from_status(response.status, message, code, retry_after)


def next_key(response):
    """The key a listing continues after; None on the last page."""
    return non_blank(header(response, NEXT_KEY_HEADER))


def encode_cursor(state):
    """An opaque cursor: compact JSON, base64url without padding (the Rust adapters' form)."""
    text = json.dumps(state, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        text = cursor.strip()
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        raise errors.invalid_input("cursor", "malformed `cursor`: pass back the `next` value of the previous page") from None
