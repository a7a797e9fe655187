"""Soracom `PortMapping` documents -> the contract's `mapping` records, and entry ids.

An entry has no id of its own: it is named by its public endpoint `ipAddress:port`
(`[ipAddress]:port` for IPv6), which is also what deleting it takes.
"""

import json
import math
from datetime import datetime, timedelta, timezone

from wit_world.imports import types

from . import errors
from .spec import KIND

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_id(text):
    """`ip:port` or `[v6]:port` -> (ip, port); anything else is `invalid-input` naming `id`."""
    text = text.strip()
    invalid = errors.invalid_input("id", f"`id` must be the entry's endpoint `ipAddress:port`, got `{text}`")
    if text.startswith("["):
        ip, bracket, after = text[1:].partition("]")
        if not bracket or not after.startswith(":"):
            raise invalid
        port = after[1:]
    else:
        ip, colon, port = text.rpartition(":")
        if not colon or ":" in ip:
            raise invalid
    if not ip or not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise invalid
    return ip, int(port)


def show_id(ip, port):
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def number(value):
    """A whole number, whether the API sent an integer, a float or a string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 9e15:
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def entry_id(doc):
    """The (ip, port) of a document, or None when it lacks either."""
    if not isinstance(doc, dict) or not isinstance(doc.get("ipAddress"), str):
        return None
    port = number(doc.get("port"))
    return (doc["ipAddress"], port) if port is not None and 0 <= port <= 65535 else None


def _str(doc, *path):
    for key in path:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc if isinstance(doc, str) else None


def rfc3339_from_ms(ms):
    """Unix milliseconds as RFC 3339 UTC (`2024-05-01T10:00:00Z`, `.mmm` when not zero);
    None for a time out of datetime's range."""
    if ms is None:
        return None
    try:
        t = _EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        return None
    fraction = f".{ms % 1000:03d}" if ms % 1000 else ""
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}{fraction}Z"


def mapping(doc):
    """A mapping record. `source` is where clients connect (`hostname:port`, else the
    endpoint), `destination` the device in the create syntax, `parent-id` the SIM (an entry for
    an IMSI has no parent)."""
    entry = entry_id(doc)
    ident = show_id(*entry) if entry else (_str(doc, "endpoint") or "")
    expired = doc.get("expired") is True
    hostname = _str(doc, "hostname")
    source = f"{hostname}:{entry[1]}" if hostname and entry else (ident or None)
    sim = _str(doc, "destination", "simId") or _str(doc, "simId")
    imsi = _str(doc, "destination", "imsi") or _str(doc, "imsi")
    device = f"sim:{sim}" if sim else (f"imsi:{imsi}" if imsi else None)
    device_port = number((doc.get("destination") or {}).get("port")) if isinstance(doc.get("destination"), dict) else None
    destination = f"{device}:{device_port}" if device and device_port is not None else device
    ranges = (doc.get("source") or {}).get("ipRanges") if isinstance(doc.get("source"), dict) else None
    return types.Mapping(
        id=ident,
        parent_id=sim,
        kind=KIND,
        name=None,
        state=types.State.INACTIVE if expired else types.State.AVAILABLE,
        provider_state="expired" if expired else "active",
        source=source,
        destination=destination,
        allowed_networks=[r for r in ranges or [] if isinstance(r, str)],
        labels=[],
        expires_at=rfc3339_from_ms(number(doc.get("expiredTime"))),
        created_at=rfc3339_from_ms(number(doc.get("createdTime"))),
        raw=json.dumps(doc, separators=(",", ":"), ensure_ascii=False),
    )
