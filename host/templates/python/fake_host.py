"""A fake portico host for the unit tests, and a small in-memory Toy VPN behind it.

The bindings componentize-py generates are plain Python: the imported functions (`http.send`,
`config.get`, `log.log`) are stubs that the component build replaces with the real imports. So
the tests import the real bindings and the real adapter code and put fakes in place of those
three functions. The bindings are generated once into `build/bindings` with componentize-py
(`COMPONENTIZE_PY`, else `.venv/bin/componentize-py`, else the one beside the Python running
the tests, else the one on `PATH`).
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import unittest
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

sys.dont_write_bytecode = True  # keep __pycache__ out of src/

PROJECT = Path(__file__).resolve().parent.parent
BINDINGS = PROJECT / "build" / "bindings"


def _componentize_py():
    beside_python = Path(sys.executable).parent / "componentize-py"
    for candidate in (os.environ.get("COMPONENTIZE_PY"), PROJECT / ".venv" / "bin" / "componentize-py", beside_python):
        if candidate and Path(candidate).exists():
            return str(candidate)
    found = shutil.which("componentize-py")
    if not found:
        raise RuntimeError("componentize-py is missing: see README.md (or set COMPONENTIZE_PY)")
    return found


def _bindings():
    tool = _componentize_py()
    digest = hashlib.sha256()
    for path in sorted((PROJECT / "wit").iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(subprocess.run([tool, "--version"], check=True, capture_output=True).stdout)
    stamp = BINDINGS / "stamp"
    if not stamp.exists() or stamp.read_text() != digest.hexdigest():
        shutil.rmtree(BINDINGS, ignore_errors=True)
        subprocess.run([tool, "-d", PROJECT / "wit", "-w", "provider", "bindings", BINDINGS], check=True, capture_output=True)
        stamp.write_text(digest.hexdigest())
    return BINDINGS


sys.path[:0] = [str(_bindings()), str(PROJECT / "src")]

from componentize_py_types import Err  # noqa: E402
from wit_world.imports import config, http, log, types  # noqa: E402

ENDPOINT = "http://127.0.0.1:9"
# Headers only the host may set: an adapter that sent one would be refused.
HOST_ONLY = {"authorization", "cookie", "host", "content-length"}


def response(status, body=None):
    data = json.dumps(body).encode() if body is not None else b""
    return http.Response(status=status, headers=[("content-type", "application/json")], body=data, attempts=1)


def error(status, code, message, field=None):
    return response(status, {"error": {"code": code, "message": message, "field": field}})


class FakeToy:
    """Toy VPN as the emulator serves it: gateways `gw-N`, pages of `limit` with a
    `next_cursor`, unique names, `{"error": {...}}` bodies."""

    def __init__(self):
        self.gateways = []

    def __call__(self, method, path, query, body):
        if path == "/toy/v1/gateways" and method == "GET":
            start = int(query.get("cursor", "0"))
            limit = int(query.get("limit", "20"))
            end = start + limit
            more = end < len(self.gateways)
            return response(200, {"gateways": self.gateways[start:end], "next_cursor": str(end) if more else None})
        if path == "/toy/v1/gateways" and method == "POST":
            request = json.loads(body)
            if not request.get("name"):
                return error(422, "invalid", "name is required", "name")
            if any(g["name"] == request["name"] for g in self.gateways):
                return error(409, "conflict", f"a gateway named {request['name']} exists")
            gateway = {"id": f"gw-{len(self.gateways) + 1}", "state": "provisioning", "public_ip": "203.0.113.1",
                       "networks": [], "created_at": "2026-01-01T00:00:00Z", **request}
            self.gateways.append(gateway)
            return response(201, gateway)
        found = [g for g in self.gateways if path == f"/toy/v1/gateways/{g['id']}"]
        if not found:
            return error(404, "not_found", f"no gateway at {path}")
        if method == "DELETE":
            self.gateways.remove(found[0])
            return response(202, {**found[0], "state": "deleting"})
        return response(200, {**found[0], "state": "available"})


class HostTest(unittest.TestCase):
    """A test with the fake host in place: `self.settings` are the profile, `self.requests`
    what the adapter sent, `self.api` answers (a FakeToy unless a test replaces it)."""

    def setUp(self):
        self.settings = {"endpoint": ENDPOINT}
        self.requests = []
        self.logs = []
        self.api = FakeToy()
        for module, name, fake in (
            (http, "send", self.send),
            (config, "get", self.settings.get),
            (log, "log", lambda level, message: self.logs.append((level, message))),
        ):
            self.addCleanup(setattr, module, name, getattr(module, name))
            setattr(module, name, fake)

    def send(self, request):
        self.requests.append(request)
        names = {name.lower() for name, _ in request.headers}
        assert not names & HOST_ONLY, f"the adapter set a host-only header: {request.headers}"
        assert request.credential == "api", request
        url = urlsplit(request.url)
        assert f"{url.scheme}://{url.netloc}" == self.settings["endpoint"], request.url
        body = request.body.decode() if request.body is not None else None
        answer = self.api(request.method.name, unquote(url.path), dict(parse_qsl(url.query)), body)
        if isinstance(answer, Err):
            raise answer
        return answer

    def sent(self):
        """What was sent, as `METHOD path?query` (scheme and host left out)."""
        return [f"{r.method.name} {r.url[len(self.settings['endpoint']):]}" for r in self.requests]

    def assert_err(self, case, call, *args, field=None):
        """Call, expect `Err(case(...))` naming `field`; return the case."""
        with self.assertRaises(Err) as caught:
            call(*args)
        value = caught.exception.value
        self.assertIsInstance(value, case)
        if field is not None:
            self.assertEqual(value.value.field, field, value)
        return value


def spec(name=None, networks=(), properties="{}", **fields):
    values = dict(kind=None, description=None, public_address=None, labels=[], clear=[], secrets=[])
    values.update(fields)
    return types.GatewaySpec(name=name, networks=list(networks), properties=properties, **values)


def query(filters=(), limit=None, cursor=None, kind=None, parent_id=None):
    return types.Query(parent_id=parent_id, kind=kind, filters=list(filters), page=types.Page(limit=limit, cursor=cursor))


def locator(ident, kind=None, parent_id=None):
    return types.Locator(id=ident, parent_id=parent_id, kind=kind)
