"""The six operations through `operations.invoke`."""

import json
import unittest

from fake_host import SIM, HostTest, response, types

import app
from napter import api, catalog
from wit_world.exports import operations as ops


class CatalogTest(HostTest):
    def invoke(self, name, params=(), body=None, cursor=None):
        return app.Operations().invoke(name, list(params), body, cursor, [])

    def test_six_operations(self):
        entries = {op.name: op for op in app.Operations().catalog()}
        self.assertEqual(list(entries), [
            "listPortMappings", "createPortMapping", "deletePortMapping",
            "listPortMappingsForSim", "createPortMappingForSim", "listPortMappingsForSubscriber",
        ])
        params = lambda name: [(p.name, p.location, p.required) for p in entries[name].parameters]
        self.assertEqual(params("listPortMappings"), [("limit", ops.Location.QUERY, False), ("last_evaluated_key", ops.Location.QUERY, False)])
        self.assertEqual(params("deletePortMapping"), [("ip_address", ops.Location.PATH, True), ("port", ops.Location.PATH, True)])
        self.assertEqual([n for n, op in entries.items() if op.paginated], ["listPortMappings"])
        self.assertEqual([n for n, op in entries.items() if op.takes_body], ["createPortMapping", "createPortMappingForSim"])
        self.assertEqual(entries["deletePortMapping"].method, types.Method.DELETE)
        for op in entries.values():
            self.assertTrue(op.path.startswith("/port_mappings"))
            for p in op.parameters:
                self.assertEqual(p.location == ops.Location.PATH, "{" + p.name + "}" in op.path)

    def test_paged_list_and_its_cursor(self):
        for port in (22, 23, 24):
            self.invoke("createPortMapping", body=json.dumps({"destination": {"simId": SIM, "port": port}}))
        first = self.invoke("listPortMappings", [("limit", "2")])
        self.assertEqual(first.status, 200)
        self.assertIsInstance(first.body, ops.Body_Json)
        self.assertEqual(len(json.loads(first.body.value)), 2)
        second = self.invoke("listPortMappings", [("limit", "2"), ("last_evaluated_key", "stale")], cursor=first.next)
        self.assertEqual(len(json.loads(second.body.value)), 1)
        self.assertIsNone(second.next)
        # The cursor's key replaced the one given by hand.
        self.assertEqual(self.sent()[-1], "GET /v1/port_mappings?limit=2&last_evaluated_key=203.0.113.2%3A40001")

    def test_paths_are_encoded_and_404_keeps_the_code(self):
        error = self.assert_err(types.Error_NotFound, self.invoke, "listPortMappingsForSim", [("sim_id", "a/b?c")])
        self.assertEqual((error.value.status, error.value.code), (404, "COM0004"))
        self.assertEqual(self.sent(), ["GET /v1/port_mappings/sims/a%2Fb%3Fc"])
        deleted = self.assert_err(types.Error_NotFound, self.invoke, "deletePortMapping", [("ip_address", "203.0.113.1"), ("port", "1")])
        self.assertEqual(deleted.value.status, 404)

    def test_refusals(self):
        self.assertEqual(self.assert_err(types.Error_Unsupported, self.invoke, "nope").value,
                         "operation `nope` is not supported by this adapter")
        self.assert_err(types.Error_InvalidInput, self.invoke, "deletePortMapping", field="param:ip_address",
                        contains="missing parameter `ip_address`, `port`")
        self.assert_err(types.Error_InvalidInput, self.invoke, "listPortMappings", [("bogus", "1")], field="param:bogus",
                        contains="unknown parameter `bogus` (known: limit, last_evaluated_key)")
        self.assert_err(types.Error_InvalidInput, self.invoke, "listPortMappingsForSim", [("sim_id", "")], field="param:sim_id")
        self.assert_err(types.Error_InvalidInput, self.invoke, "createPortMapping", field="body", contains="needs a JSON `body`")
        self.assert_err(types.Error_InvalidInput, self.invoke, "createPortMapping", [], "{nope", field="body")
        self.assert_err(types.Error_InvalidInput, self.invoke, "listPortMappings", [], "{}", field="body", contains="takes no `body`")
        self.assert_err(types.Error_InvalidInput, self.invoke, "listPortMappingsForSim", [("sim_id", "1")], None, "x", field="cursor")
        self.assert_err(types.Error_InvalidInput, self.invoke, "listPortMappings", [], None, api.encode_cursor({"key": "x"}), field="cursor")
        self.assertEqual(self.requests, [])

    def test_provider_refusal_keeps_the_code(self):
        body = '{"destination": {"imsi": "1", "port": 22}, "duration": 99999}'
        error = self.assert_err(types.Error_InvalidInput, self.invoke, "createPortMapping", [], body)
        self.assertEqual((error.value.status, error.value.code), (400, "NPT0001"))

    def test_bodies(self):
        self.assertIsNone(catalog.body_of(response(204)))
        self.assertIsInstance(catalog.body_of(response(200, "[]")), ops.Body_Json)
        self.assertIsInstance(catalog.body_of(response(200, "plain")), ops.Body_Text)
        self.assertIsInstance(catalog.body_of(response(200, "x", [("Content-Type", "application/problem+json")])), ops.Body_Json)


class ExportsTest(HostTest):
    def test_update_and_other_nouns_are_unsupported(self):
        for call in (lambda: app.Mappings().update(None, None), lambda: app.Gateways().list(None),
                     lambda: app.Tunnels().delete(None), lambda: app.Peers().create(None)):
            error = self.assert_err(types.Error_Unsupported, call)
            self.assertIn("not supported by this adapter", error.value)
        self.assertIn("delete it and create a new one", self.assert_err(types.Error_Unsupported, lambda: app.Mappings().update(None, None)).value)
        self.assertEqual(self.requests, [])


if __name__ == "__main__":
    unittest.main()
