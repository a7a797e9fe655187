"""The mapping noun: Napter port mappings (On-Demand Remote Access entries).

An entry's parent, when it has one, is the SIM it forwards to (`--parent SIM`, the same as
the `sim-id` filter); an entry for an IMSI has none. Entries cannot be changed, and have no
labels and no name. The host checks kind, filters and `parent-id` against the
description before it calls; the checks are repeated here because the conformance suite may
call the adapter directly, and the contract wants the same answers then.

Napter has no GET by id: `get` walks the list. Without filters, `list` pages through
`GET /port_mappings` (the cursor wraps the `x-soracom-next-key` header); `sim-id` and `imsi`
list one SIM's or IMSI's entries in one page, and those answer 404 when there are none,
which is an empty list.
"""

from componentize_py_types import Err
from wit_world.imports import log, types

from . import api, catalog, errors, records, spec

FILTERS = {
    "sim-id": "entries created for this SIM id (one page)",
    "imsi": "entries created for this IMSI (one page)",
}
UNSUPPORTED_UPDATE = (
    "mapping.update is not supported by this adapter; Soracom Napter cannot change an entry: "
    "delete it and create a new one"
)
# A guard against a `x-soracom-next-key` that never ends.
MAX_LOOKUP_PAGES = 1000


def check_kind(kind):
    kind = api.non_blank(kind)
    if kind and kind != spec.KIND:
        raise errors.invalid_input("kind", f"`kind` of a mapping must be `{spec.KIND}`, got `{kind}`")


def list_(query):
    for key, _ in query.filters:
        if key.strip() not in FILTERS:
            raise errors.invalid_input(f"filters.{key.strip()}", f"unknown filter `{key}` (known: `sim-id`, `imsi`)")
    check_kind(query.kind)
    sim = api.non_blank(query.parent_id)
    imsi = None
    for key, value in query.filters:
        key, value = key.strip(), value.strip()
        if not value:
            raise errors.invalid_input(f"filters.{key}", f"filter `{key}` needs a value")
        if key == "sim-id":
            if sim is not None and sim != value:
                raise errors.invalid_input("filters.sim-id", f"filter `sim-id` `{value}` differs from the parent `{sim}`")
            sim = value
        else:
            imsi = value
    if sim and imsi:
        raise errors.invalid_input("filters.imsi", "filters `sim-id` and `imsi` cannot be combined: give one of them")
    cursor = api.non_blank(query.page.cursor)
    if sim or imsi:
        if cursor:
            raise errors.invalid_input(
                "cursor",
                "a `cursor` does not apply to a list filtered by `sim-id` or `imsi`: those lists have one page",
            )
        docs = list_for(catalog.LIST_FOR_SIM, "sim_id", sim) if sim else list_for(catalog.LIST_FOR_SUBSCRIBER, "imsi", imsi)
        return types.MappingPage(items=[records.mapping(d) for d in docs], next=None, ahead=[])
    key = None
    if cursor:
        state = api.decode_cursor(cursor)
        if not (isinstance(state, dict) and isinstance(state.get("key"), str)):
            raise errors.invalid_input("cursor", "malformed `cursor`: pass back the `next` value of the previous page")
        key = state["key"]
    docs, next_key = list_page(query.page.limit, key)
    return types.MappingPage(
        items=[records.mapping(d) for d in docs],
        next=api.encode_cursor({"key": next_key}) if next_key else None,
        ahead=[],
    )


def array(doc):
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise errors.provider("the provider answered the port mapping list request with something other than a JSON array")
    return doc


def list_page(limit, key):
    """One page of `GET /port_mappings` and the key of the next page."""
    params = []
    if limit is not None:
        params.append(("limit", str(max(limit, 1))))
    if key is not None:
        params.append(("last_evaluated_key", key))
    response = catalog.call(catalog.LIST, params)
    return array(api.json_of(response)), api.next_key(response)


def list_for(operation, param, value):
    """The entries of one SIM or IMSI; the API answers 404 when there are none."""
    try:
        return array(api.json_of(catalog.call(operation, [(param, value)])))
    except Err as e:
        if isinstance(e.value, types.Error_NotFound):
            return []
        raise


def get(target):
    check_kind(target.kind)
    wanted = records.parse_id(target.id)
    sim = api.non_blank(target.parent_id)
    if sim:
        for doc in list_for(catalog.LIST_FOR_SIM, "sim_id", sim):
            if records.entry_id(doc) == wanted:
                return records.mapping(doc)
        raise errors.not_found(
            f"port mapping `{records.show_id(*wanted)}` not found (Napter entries are removed when they expire)"
        )
    key = None
    for _ in range(MAX_LOOKUP_PAGES):
        docs, next_key = list_page(None, key)
        for doc in docs:
            if records.entry_id(doc) == wanted:
                return records.mapping(doc)
        if not next_key or next_key == key:
            raise errors.not_found(
                f"port mapping `{records.show_id(*wanted)}` not found (Napter entries are removed when they expire)"
            )
        key = next_key
    raise errors.provider(f"gave up looking for port mapping `{records.show_id(*wanted)}` after {MAX_LOOKUP_PAGES} pages")


def create(mapping_spec):
    check_kind(mapping_spec.kind)
    if mapping_spec.labels:
        raise errors.invalid_input("labels", "`labels` are not supported: this provider's mappings have no labels")
    if mapping_spec.clear:
        raise errors.invalid_input("clear", f"`clear` applies to updates only (got `{mapping_spec.clear[0]}` on create)")
    body = spec.parse(mapping_spec)
    try:
        doc = api.json_of(catalog.call(catalog.CREATE, body=body))
    except Err as e:
        if errors.outcome_unknown(e):
            # Entries have no name or other key of ours to look the new one up by, so the
            # error goes back unchanged; the user is told why it may exist all the same.
            log.log(
                log.Level.WARN,
                "the create's outcome is unknown, and a Napter entry has no natural key to find it by: "
                "check `mapping list` before creating it again",
            )
        raise
    if records.entry_id(doc) is None:
        raise errors.provider("Soracom answered the create request without the entry's ipAddress and port")
    return records.mapping(doc)


def delete(target):
    check_kind(target.kind)
    ip, port = records.parse_id(target.id)
    try:
        catalog.call(catalog.DELETE, [("ip_address", ip), ("port", str(port))])
    except Err as e:
        if not errors.outcome_unknown(e):
            raise
        # The host may have retried a DELETE whose first answer was lost: if the entry is
        # gone now, the delete happened.
        try:
            get(target)
        except Err as lookup:
            if isinstance(lookup.value, types.Error_NotFound):
                return
        raise e from None
