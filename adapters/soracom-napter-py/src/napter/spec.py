"""A `mapping-spec` -> a checked `CreatePortMappingRequest` body.

Every rule is checked here, before any request goes out (not even the token exchange), and
every refusal is `invalid-input` naming the field at fault:

| spec field | meaning | Soracom field |
|---|---|---|
| `destination` | `sim:<simId>[:port]` or `imsi:<imsi>[:port]` | `destination.simId` / `.imsi`, `.port` |
| `allowed-networks` | CIDRs (IPv4 or IPv6) allowed to connect | `source.ipRanges` |
| `properties.simId`, `.imsi`, `.port` | the same as in `destination`; must agree with it | `destination.*` |
| `properties.service` | `air` or `arc`; SIM ids only | `destination.service` |
| `properties.duration` | seconds, 1 to 28800 (8 hours) | `duration` |
| `properties.tlsRequired` | Soracom terminates TLS on the public side | `tlsRequired` |

Numbers may be JSON numbers or strings of digits. `name` and `source` are refused: entries
have no name, and Soracom picks the public endpoint.
"""

import ipaddress
import json
import math
import re

from . import errors
from .api import non_blank

KIND = "port-mapping"
MAX_DURATION_SECS = 28_800
PROPERTY_KEYS = ["simId", "imsi", "port", "service", "duration", "tlsRequired"]

_INTEGER = re.compile(r"[+-]?[0-9]+")


def parse(spec):
    """Check a spec; return the request body as a dict."""
    if non_blank(spec.name):
        raise errors.invalid_input("name", f"`name` is not supported: Napter entries have no name (got `{non_blank(spec.name)}`)")
    if non_blank(spec.source):
        raise errors.invalid_input(
            "source",
            f"`source` is not supported: Soracom assigns the public endpoint (got `{non_blank(spec.source)}`); "
            "restrict who may connect with `allowed-networks`",
        )
    properties = parse_object(spec.properties, "properties")
    for key in properties:
        if key not in PROPERTY_KEYS:
            raise errors.invalid_input(f"properties/{key}", f"unknown key `{key}` in `properties` (known: {', '.join(PROPERTY_KEYS)})")

    # Every place that names the SIM, the IMSI or the port, as (field, value): they must agree.
    sims, imsis, ports = [], [], []
    if non_blank(spec.destination):
        scheme, device, port = parse_destination(spec.destination)
        (sims if scheme == "sim" else imsis).append(("destination", device))
        if port is not None:
            ports.append(("destination", port))
    if parent := non_blank(spec.parent_id):
        sims.append(("parent-id", parent.strip()))
    if (sim := string_property(properties, "simId")) is not None:
        sims.append(("properties.simId", sim))
    if (imsi := string_property(properties, "imsi")) is not None:
        imsis.append(("properties.imsi", imsi))
    if "port" in properties:
        ports.append(("properties.port", parse_port(properties["port"], "properties/port")))
    sim, imsi, port = agree(sims, "SIM id"), agree(imsis, "IMSI"), agree(ports, "port")

    service = string_property(properties, "service")
    if service is not None and service not in ("air", "arc"):
        raise errors.invalid_input("properties/service", f"`service` must be `air` or `arc`, got `{service}`")
    if sim is not None and imsi is not None:
        raise errors.invalid_input("destination", "`destination` names both a SIM id and an IMSI: give one of them")
    if sim is None and imsi is None:
        raise errors.invalid_input(
            "destination",
            "missing `destination`: give `sim:<simId>[:port]` or `imsi:<imsi>[:port]` "
            "(or `properties.simId` / `properties.imsi`)",
        )
    if imsi is not None and service is not None:
        raise errors.invalid_input("properties/service", "`service` applies only to a SIM id (`sim:<simId>`), not to an IMSI")
    if port is None:
        raise errors.invalid_input(
            "destination",
            "missing `port`: give the device port in `destination` (`sim:<simId>:<port>`) or as `properties.port`",
        )

    if sim is not None:
        destination = {"simId": sim, **({"service": service} if service else {}), "port": port}
    else:
        destination = {"imsi": imsi, "port": port}
    body = {"destination": destination}
    if "duration" in properties:
        body["duration"] = parse_duration(properties["duration"])
    ranges = [check_cidr(cidr) for cidr in spec.allowed_networks]
    if ranges:
        body["source"] = {"ipRanges": ranges}
    if "tlsRequired" in properties:
        body["tlsRequired"] = parse_tls_required(properties["tlsRequired"])
    return body


def parse_object(text, field):
    """A JSON object from text; blank or `null` is `{}`. The host always sends an object for
    `properties` (`{}` when the user gave none), but an adapter called directly may not."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as e:
        raise errors.invalid_input(field, f"`{field}` is not valid JSON: {e}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors.invalid_input(field, f"`{field}` must be a JSON object")
    return value


def parse_destination(text):
    """`sim:<simId>[:port]` or `imsi:<imsi>[:port]` -> (scheme, id, port or None)."""
    text = text.strip()
    invalid = errors.invalid_input("destination", f"`destination` must be `sim:<simId>[:port]` or `imsi:<imsi>[:port]`, got `{text}`")
    scheme, colon, rest = text.partition(":")
    device, _, port = rest.partition(":")
    if not colon or not device.strip() or scheme.strip() not in ("sim", "imsi"):
        raise invalid
    return scheme.strip(), device.strip(), parse_port(port, "destination") if ":" in rest else None


def agree(values, what):
    if not values:
        return None
    first_field, first = values[0]
    for field, other in values[1:]:
        if other != first:
            raise errors.invalid_input(
                field.replace(".", "/"),
                f"`{first_field}` and `{field}` name different {what}s (`{first}` and `{other}`)",
            )
    return first


def shown(value):
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def string_property(properties, key):
    """A non-blank string property, stripped; None when absent, null or blank."""
    value = properties.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise errors.invalid_input(f"properties/{key}", f"`{key}` must be a string, got `{shown(value)}`")
    return value.strip()


def whole_number(value):
    """A whole number from a JSON number or a string of digits; None otherwise."""
    if isinstance(value, bool):
        return None  # bool is an int in Python, but `true` is no port.
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() and abs(value) < 1e18 else None
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def parse_port(value, field):
    n = whole_number(value)
    if n is None or not 1 <= n <= 65535:
        raise errors.invalid_input(field, f"`port` must be a whole number from 1 to 65535, got `{shown(value)}`")
    return n


def parse_duration(value):
    n = whole_number(value)
    if n is None or not 1 <= n <= MAX_DURATION_SECS:
        raise errors.invalid_input(
            "properties/duration",
            f"`duration` must be a whole number of seconds from 1 to {MAX_DURATION_SECS} (8 hours), got `{shown(value)}`",
        )
    return n


def parse_tls_required(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in ("true", "false"):
        return value.strip() == "true"
    raise errors.invalid_input("properties/tlsRequired", f"`tlsRequired` must be true or false, got `{json.dumps(value)}`")


def check_cidr(text):
    """An IPv4 or IPv6 CIDR with a prefix length in range; returned stripped."""
    cidr = text.strip()

    def invalid(why):
        return errors.invalid_input("allowed-networks", f"`allowed-networks` entry `{cidr}` is not a CIDR: {why}")

    address, slash, prefix = cidr.partition("/")
    if not slash:
        raise invalid("expected address/prefix, e.g. 203.0.113.0/24")
    if not (prefix.isascii() and prefix.isdigit()) or int(prefix) > 255:
        raise invalid("the prefix length is not a number")
    try:
        if "%" in address:  # a scope id is no part of a network
            raise ValueError(address)
        width = ipaddress.ip_address(address).max_prefixlen
    except ValueError:
        raise invalid("the address is not an IPv4 or IPv6 address") from None
    if int(prefix) > width:
        raise invalid(f"the prefix length must be 0 to {width}")
    return cidr
