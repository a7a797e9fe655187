"""The Toy VPN API as this adapter sees it: where it lives (the `endpoint` setting, or the
production host), how a request goes out (through the host's `http.send`, naming the `api`
credential) and how it fails (`{"error": {"code", "message", "field"}}`).

The adapter never sets `Authorization`, and could not: it never sees the token. The host adds
`Authorization: Bearer <token>` on the wire; a request that set it itself would be refused.
"""

import json

from componentize_py_types import Err
from wit_world.imports import config, http, log, types

from . import errors

HOST = "api.toyvpn.example"
CREDENTIAL = "api"
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def base_url():
    """The profile's `endpoint` origin, or the production host, plus `/toy/v1`."""
    origin = (config.get("endpoint") or "").strip() or f"https://{HOST}"
    return origin.rstrip("/") + "/toy/v1"


def encode(value):
    """Percent-encode every byte but the RFC 3986 unreserved ones, so an id with `/`, `?` or
    `#` can never change which resource a URL names."""
    return "".join(chr(b) if b in UNRESERVED else f"%{b:02X}" for b in value.encode())


def call(method, path, query=(), body=None):
    """Send a request to `path` and return its JSON answer; a non-2xx answer is the
    contract's error, a host error is passed on unchanged."""
    url = base_url() + path
    if query:
        url += "?" + "&".join(f"{encode(k)}={encode(v)}" for k, v in query)
    headers = [("Accept", "application/json")]
    if body is not None:
        headers.append(("Content-Type", "application/json"))
    request = http.Request(
        method=method,
        url=url,
        headers=headers,
        body=json.dumps(body).encode() if body is not None else None,
        credential=CREDENTIAL,
        signatures=[],
        # None: the host retries by method (GET and DELETE are retried, POST is not).
        idempotent=None,
    )
    log.log(log.Level.DEBUG, f"{method.name} {url}")
    try:
        response = http.send(request)
    except Err as e:
        raise errors.host(e.value) from None
    try:
        doc = json.loads(response.body) if response.body.strip() else None
    except ValueError:
        doc = None
        if 200 <= response.status < 300:
            raise errors.provider(f"HTTP {response.status}: the answer is not JSON") from None
    if 200 <= response.status < 300:
        return doc
    said = doc.get("error") if isinstance(doc, dict) and isinstance(doc.get("error"), dict) else {}
    message = said.get("message") or response.body.decode(errors="replace").strip()[:500]
    raise errors.from_status(response.status, message, said.get("code"), said.get("field"))


GET, POST, DELETE = types.Method.GET, types.Method.POST, types.Method.DELETE
