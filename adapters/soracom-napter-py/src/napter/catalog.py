"""The six operations of the Soracom API tagged `PortMapping`, by operationId.

The mapping noun builds its requests from this table too (`call`), so every path lives in
one place. `invoke` is `operations.invoke`: parameters checked and placed, the body sent as
written, a `next` cursor for the paged `listPortMappings`.
"""

import json
from dataclasses import dataclass

from wit_world.exports import operations as ops

from . import api, errors

LIST = "listPortMappings"
CREATE = "createPortMapping"
DELETE = "deletePortMapping"
LIST_FOR_SIM = "listPortMappingsForSim"
CREATE_FOR_SIM = "createPortMappingForSim"
LIST_FOR_SUBSCRIBER = "listPortMappingsForSubscriber"

PATH, QUERY = ops.Location.PATH, ops.Location.QUERY


@dataclass(frozen=True)
class Param:
    name: str
    location: ops.Location
    required: bool
    description: str


@dataclass(frozen=True)
class OperationDef:
    name: str
    method: str
    path: str
    summary: str
    params: tuple = ()
    takes_body: bool = False
    paginated: bool = False


SIM_ID = Param("sim_id", PATH, True, "SIM ID of the target IoT SIM.")

OPERATIONS = [
    OperationDef(
        LIST, "GET", "/port_mappings",
        "List the Napter On-Demand Remote Access entries, one page at a time.",
        (
            Param("limit", QUERY, False, "Maximum number of results per response page."),
            Param("last_evaluated_key", QUERY, False,
                  "The last entry retrieved on the previous page (the `x-soracom-next-key` header); "
                  "the list continues after it."),
        ),
        paginated=True,
    ),
    OperationDef(
        CREATE, "POST", "/port_mappings",
        "Create an entry from {destination: {simId, service | imsi, port}, duration, "
        "source: {ipRanges}, tlsRequired}.",
        takes_body=True,
    ),
    OperationDef(
        DELETE, "DELETE", "/port_mappings/{ip_address}/{port}",
        "Delete the entry published at ip_address:port.",
        (
            Param("ip_address", PATH, True, "IP address of the entry to delete."),
            Param("port", PATH, True, "Port number of the entry to delete."),
        ),
    ),
    OperationDef(
        LIST_FOR_SIM, "GET", "/port_mappings/sims/{sim_id}",
        "List the entries created for a SIM ID (404 when there are none).",
        (SIM_ID,),
    ),
    OperationDef(
        CREATE_FOR_SIM, "POST", "/port_mappings/sims/{sim_id}",
        "Create an entry for a SIM ID from {destination: {port, service}, duration, "
        "source: {ipRanges}, tlsRequired}.",
        (SIM_ID,),
        takes_body=True,
    ),
    OperationDef(
        LIST_FOR_SUBSCRIBER, "GET", "/port_mappings/subscribers/{imsi}",
        "List the entries created for an IMSI (IMSI_PRIORITIZED; 404 when there are none).",
        (Param("imsi", PATH, True, "IMSI of the target."),),
    ),
]


def catalog():
    return [
        ops.Operation(
            name=op.name,
            method=api.METHODS[op.method],
            path=op.path,
            summary=op.summary,
            parameters=[ops.Parameter(p.name, p.location, p.required, p.description) for p in op.params],
            takes_body=op.takes_body,
            paginated=op.paginated,
        )
        for op in OPERATIONS
    ]


def find(name):
    for op in OPERATIONS:
        if op.name == name:
            return op
    # The contract: an unknown operation name is `unsupported`, not `invalid-input`.
    raise errors.unsupported(f"operation `{name}` is not supported by this adapter")


def _quoted(names):
    return ", ".join(f"`{n}`" for n in names)


def request(name, params):
    """A checked request for operation `name`. Unknown and missing parameters are one
    `invalid-input` naming them all; its field is `param:NAME` of the first."""
    op = find(name)
    known = [p.name for p in op.params]
    unknown = [k for k, _ in params if k not in known]
    given = {k for k, _ in params}
    missing = [p.name for p in op.params if p.required and p.name not in given]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown parameter {_quoted(unknown)} (known: {', '.join(known) or 'none'})")
        if missing:
            problems.append(f"missing parameter {_quoted(missing)}")
        raise errors.invalid_input(f"param:{(unknown or missing)[0]}", f"operation `{name}`: {'; '.join(problems)}")
    values = dict(params)
    path = op.path
    for p in op.params:
        if p.location == PATH:
            if not values[p.name]:
                # An empty segment would address the parent collection instead.
                raise errors.invalid_input(f"param:{p.name}", f"missing path parameter `{p.name}`")
            path = path.replace("{" + p.name + "}", api.encode(values[p.name]))
    in_query = {p.name for p in op.params if p.location == QUERY}
    return op, path, [(k, v) for k, v in params if k in in_query]


def call(name, params=(), body=None):
    """Send operation `name` (a JSON-able `body` for the creates); non-2xx is the error."""
    op, path, query = request(name, list(params))
    text = json.dumps(body, separators=(",", ":")) if body is not None else None
    return api.execute(api.request(op.method, path, query, text))


def invoke(name, params, body, cursor):
    """`operations.invoke`. No operation takes secret inputs, so the body goes as written."""
    op, path, query = request(name, params)
    if cursor and cursor.strip():
        if not op.paginated:
            raise errors.invalid_input("cursor", f"operation `{name}` is not paginated and takes no `cursor`")
        state = api.decode_cursor(cursor)
        if not (isinstance(state, list) and all(isinstance(p, list) and len(p) == 2 for p in state)):
            raise errors.invalid_input("cursor", "malformed `cursor`: pass back the `next` value of the previous page")
        # The cursor's pairs replace the same parameters given by hand.
        keys = {k for k, _ in state}
        query = [(k, v) for k, v in query if k not in keys] + [(k, v) for k, v in state]
    if body is not None and not op.takes_body:
        raise errors.invalid_input("body", f"operation `{name}` takes no `body`")
    if body is None and op.takes_body:
        raise errors.invalid_input("body", f"operation `{name}` needs a JSON `body`")
    if body is not None:
        try:
            json.loads(body)
        except ValueError as e:
            raise errors.invalid_input("body", f"`body` is not valid JSON: {e}") from None
    response = api.execute(api.request(op.method, path, query, body))
    key = api.next_key(response) if op.paginated else None
    return ops.Outcome(
        status=response.status,
        body=body_of(response),
        next=api.encode_cursor([[api.LAST_EVALUATED_KEY, key]]) if key else None,
    )


def body_of(response):
    """JSON when the content type says so or the text parses; text otherwise; None if empty."""
    if not response.body:
        return None
    text = response.body.decode(errors="replace")
    content_type = (api.header(response, "content-type") or "").split(";")[0].strip().lower()
    is_json = content_type == "application/json" or content_type.endswith("+json")
    if not is_json:
        try:
            json.loads(text)
            is_json = True
        except ValueError:
            pass
    return ops.Body_Json(text) if is_json else ops.Body_Text(text)

