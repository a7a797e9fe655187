"""A fake portico host for the unit tests, and a small in-memory Napter API behind it.

The bindings componentize-py generates are plain Python: the imported functions
(`http.send`, `config.get`, `log.log`) are stubs that the component build replaces with the
real imports. So the tests import the real bindings and the real adapter code and put
fakes in place of those three functions. The bindings are generated once into
`target/polyglot/soracom-napter-py-bindings` with the pinned componentize-py
(`just setup-polyglot`).
"""

import hashlib
import json
import shutil
import subprocess
import sys
import unittest
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

sys.dont_write_bytecode = True  # keep __pycache__ out of src/

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
WIT = ROOT / "wit" / "since_v0.2.0"
COMPONENTIZE = ROOT / "target" / "toolchains" / "python" / "bin" / "componentize-py"
BINDINGS = ROOT / "target" / "polyglot" / "soracom-napter-py-bindings"


def _bindings():
    if not COMPONENTIZE.exists():
        raise RuntimeError(f"{COMPONENTIZE} is missing: run `just setup-polyglot` first")
    digest = hashlib.sha256()
    for path in sorted(WIT.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(subprocess.run([COMPONENTIZE, "--version"], check=True, capture_output=True).stdout)
    stamp = BINDINGS / "stamp"
    if not stamp.exists() or stamp.read_text() != digest.hexdigest():
        # componentize-py will not write over bindings of an older WIT.
        shutil.rmtree(BINDINGS, ignore_errors=True)
        subprocess.run([COMPONENTIZE, "-d", WIT, "-w", "provider", "bindings", BINDINGS], check=True, capture_output=True)
        stamp.write_text(digest.hexdigest())
    return BINDINGS


sys.path[:0] = [str(_bindings()), str(HERE.parent / "src")]

from componentize_py_types import Err  # noqa: E402
from wit_world.imports import config, http, log, types  # noqa: E402

SIM = "8942310022000012345"
IMSI = "440101234567890"
# Headers only the host may set: an adapter that sent one would be refused.
HOST_ONLY = {"authorization", "cookie", "x-soracom-api-key", "x-soracom-token", "host", "content-length"}


def response(status, body=None, headers=()):
    text = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
    data = text.encode() if isinstance(text, str) else (text or b"")
    return http.Response(status=status, headers=list(headers), body=data, attempts=1)


class FakeNapter:
    """Napter as the emulator serves it: entries on 203.0.113.x:40000+, pages keyed by the
    last endpoint, 404 for a SIM or IMSI without entries, `{code, message}` errors."""

    def __init__(self):
        self.entries = []
        self.next_port = 40000

    def __call__(self, method, segments, query, body):
        path = "/".join(segments)
        if path == "/v1/port_mappings" and method == "GET":
            items = self.entries
            if "last_evaluated_key" in query:
                keys = [e["endpoint"] for e in items]
                items = items[keys.index(query["last_evaluated_key"]) + 1 :]
            limit = int(query.get("limit", 100))
            page, more = items[:limit], len(items) > limit
            return response(200, page, [("x-soracom-next-key", page[-1]["endpoint"])] if more else [])
        if path == "/v1/port_mappings" and method == "POST":
            return self.create(json.loads(body))
        parts = segments[3:]
        if method == "DELETE" and len(parts) == 2:
            endpoint = f"{parts[0]}:{parts[1]}"
            if not any(e["endpoint"] == endpoint for e in self.entries):
                return response(404, {"code": "COM0004", "message": f"entry {endpoint} does not exist"})
            self.entries = [e for e in self.entries if e["endpoint"] != endpoint]
            return response(204)
        if method == "GET" and len(parts) == 2 and parts[0] in ("sims", "subscribers"):
            field = "simId" if parts[0] == "sims" else "imsi"
            found = [e for e in self.entries if e.get(field) == parts[1]]
            return response(200, found) if found else response(404, {"code": "COM0004", "message": "no entries"})
        return response(404, {"code": "COM0001", "message": f"no route {method} {path}"})

    def create(self, request):
        destination = request["destination"]
        if not 1 <= request.get("duration", 3600) <= 28800:
            return response(400, {"code": "NPT0001", "message": "duration must be a whole number from 1 to 28800"})
        ip = f"203.0.113.{len(self.entries) + 1}"
        port, self.next_port = self.next_port, self.next_port + 1
        entry = {
            "ipAddress": ip,
            "port": port,
            "endpoint": f"{ip}:{port}",
            "hostname": f"p-{ip.replace('.', '-')}.napter.soracom.invalid",
            "destination": {k: v for k, v in destination.items() if k != "service"},
            "source": request.get("source", {"ipRanges": ["0.0.0.0/0"]}),
            "duration": request.get("duration", 3600),
            "tlsRequired": request.get("tlsRequired", False),
            "createdTime": 1714557600000,
            "expiredTime": 1714557600000 + 1000 * request.get("duration", 3600),
            "expired": False,
        }
        entry["simId" if "simId" in destination else "imsi"] = destination.get("simId") or destination["imsi"]
        self.entries.append(entry)
        return response(201, entry, [("content-type", "application/json")])


class HostTest(unittest.TestCase):
    """A test with the fake host in place: `self.settings` are the profile, `self.requests`
    what the adapter sent, `self.api` answers (a FakeNapter unless a test replaces it)."""

    def setUp(self):
        self.settings = {"endpoint": "http://127.0.0.1:9"}
        self.requests = []
        self.logs = []
        self.api = FakeNapter()
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
        assert request.credential == "soracom", request
        url = urlsplit(request.url)
        assert f"{url.scheme}://{url.netloc}" == self.settings["endpoint"], request.url
        query = dict(parse_qsl(url.query))
        body = request.body.decode() if request.body is not None else None
        # Segments decoded one by one, so an encoded `/` stays inside its segment.
        segments = [unquote(part) for part in url.path.split("/")]
        answer = self.api(request.method.name, segments, query, body)
        if isinstance(answer, Err):
            raise answer
        return answer

    def sent(self):
        """What was sent, as `METHOD path?query` (scheme and host left out)."""
        return [f"{r.method.name} {r.url[len(self.settings['endpoint']):]}" for r in self.requests]

    def assert_err(self, case, call, *args, field=None, contains=None):
        """Call, expect `Err(case(...))`; check the problem's field and message; return it."""
        with self.assertRaises(Err) as caught:
            call(*args)
        value = caught.exception.value
        self.assertIsInstance(value, case)
        if field is not None or contains is not None:
            problem = value.value
            if field is not None:
                self.assertEqual(problem.field, field, problem)
            if contains is not None:
                self.assertIn(contains, problem.message)
        return value


def spec(destination=None, properties="{}", networks=(), **fields):
    values = dict(kind=None, parent_id=None, name=None, source=None, labels=[], clear=[], secrets=[])
    values.update(fields)
    return types.MappingSpec(destination=destination, properties=properties, allowed_networks=list(networks), **values)


def query(filters=(), limit=None, cursor=None, kind=None, parent_id=None):
    return types.Query(parent_id=parent_id, kind=kind, filters=list(filters), page=types.Page(limit=limit, cursor=cursor))


def locator(ident, kind=None, parent_id=None):
    return types.Locator(id=ident, parent_id=parent_id, kind=kind)
