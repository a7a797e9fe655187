"""The gateway noun: list, get, create and delete against the Toy VPN API.

Toy VPN answers pages as `{"gateways": [...], "next_cursor": ...}`. The host checks the kind,
filters and `parent-id` against the description before it calls; the checks are repeated here
because the conformance suite calls the adapter directly, and the contract wants the same
answers then.
"""

import json

from componentize_py_types import Err
from wit_world.imports import log, types

from . import api, errors

KIND = "standard"
STATES = {
    "provisioning": types.State.PROVISIONING,
    "updating": types.State.UPDATING,
    "available": types.State.AVAILABLE,
    "deleting": types.State.DELETING,
}


def check_kind(kind):
    if kind and kind.strip() and kind.strip() != KIND:
        raise errors.invalid_input("kind", f"`kind` of a gateway must be `{KIND}`, got `{kind}`")


def check_top_level(parent_id):
    if parent_id and parent_id.strip():
        raise errors.invalid_input("parent-id", "gateways are top-level: `parent-id` does not apply")


def record(doc):
    """A Toy VPN gateway document as the contract's record (`raw` keeps all of it)."""
    state = doc.get("state") or ""
    return types.Gateway(
        id=doc.get("id") or "",
        kind=KIND,
        name=doc.get("name"),
        description=None,
        state=STATES.get(state, types.State.UNKNOWN),
        provider_state=state,
        public_addresses=[doc["public_ip"]] if doc.get("public_ip") else [],
        networks=list(doc.get("networks") or []),
        wireguard=None,
        labels=[],
        created_at=doc.get("created_at"),
        raw=json.dumps(doc),
    )


def path(ident):
    return f"/gateways/{api.encode(ident)}"


def list_(query):
    for key, _ in query.filters:
        raise errors.invalid_input(f"filters.{key}", f"unknown filter `{key}`: gateways take none")
    check_kind(query.kind)
    check_top_level(query.parent_id)
    params = [("limit", str(min(max(query.page.limit or 20, 1), 100)))]
    if query.page.cursor:
        params.append(("cursor", query.page.cursor))
    page = api.call(api.GET, "/gateways", params) or {}
    return types.GatewayPage(items=[record(g) for g in page.get("gateways") or []], next=page.get("next_cursor"), ahead=[])


def get(target):
    check_kind(target.kind)
    check_top_level(target.parent_id)
    return record(api.call(api.GET, path(target.id)))


def create(spec):
    check_kind(spec.kind)
    for field, value in (("description", spec.description), ("public-address", spec.public_address)):
        if value:
            raise errors.invalid_input(field, f"`{field}` does not apply: Toy VPN gateways have none of their own")
    if spec.labels:
        raise errors.invalid_input("labels", "Toy VPN gateways have no labels")
    if spec.clear:
        raise errors.invalid_input("clear", "`clear` applies to updates only")
    try:
        body = json.loads(spec.properties) if spec.properties and spec.properties.strip() else {}
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise errors.invalid_input("properties", "`properties` must be a JSON object")
    if spec.name:
        body["name"] = spec.name
    if spec.networks:
        body["networks"] = list(spec.networks)
    try:
        return record(api.call(api.POST, "/gateways", body=body))
    except Err as e:
        if not (errors.outcome_unknown(e) and spec.name):
            raise
        # The create may have happened: look the gateway up by its unique name.
        log.log(log.Level.WARN, f"the outcome of creating gateway `{spec.name}` is unknown: looking it up")
        found = find_by_name(spec.name)
        if found is None:
            raise
        return found


def find_by_name(name):
    cursor = None
    for _ in range(1000):
        page = list_(types.Query(parent_id=None, kind=None, filters=[], page=types.Page(limit=100, cursor=cursor)))
        for gateway in page.items:
            if gateway.name == name:
                return gateway
        if not page.next or page.next == cursor:
            return None
        cursor = page.next
    return None


def delete(target):
    check_kind(target.kind)
    check_top_level(target.parent_id)
    api.call(api.DELETE, path(target.id))
