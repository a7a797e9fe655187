"""The mapping noun against the fake host and its in-memory Napter."""

import unittest

from componentize_py_types import Err
from fake_host import IMSI, SIM, HostTest, locator, query, response, spec, types

from napter import api, mappings


class MappingsTest(HostTest):
    def create(self, destination, properties="{}", networks=()):
        return mappings.create(spec(destination, properties, networks))

    def test_lifecycle(self):
        m = self.create(f"sim:{SIM}:22", '{"service": "air", "duration": 1800}', ["198.51.100.0/24"])
        self.assertEqual(m.destination, f"sim:{SIM}:22")
        self.assertEqual(m.allowed_networks, ["198.51.100.0/24"])
        self.assertEqual(m.state, types.State.AVAILABLE)
        self.assertEqual(self.requests[0].body, (
            b'{"destination":{"simId":"8942310022000012345","service":"air","port":22},'
            b'"duration":1800,"source":{"ipRanges":["198.51.100.0/24"]}}'
        ))
        self.assertEqual(self.requests[0].method, types.Method.POST)
        # The host picks retries by method for POST (not idempotent): the adapter says nothing.
        self.assertIsNone(self.requests[0].idempotent)
        self.assertIn(("Content-Type", "application/json"), self.requests[0].headers)

        page = mappings.list_(query())
        self.assertEqual([x.id for x in page.items], [m.id])
        self.assertIsNone(page.next)
        self.assertEqual(mappings.get(locator(m.id)).destination, f"sim:{SIM}:22")
        mappings.delete(locator(m.id))
        self.assertEqual(self.sent()[-1], "DELETE /v1/port_mappings/203.0.113.1/40000")
        self.assert_err(types.Error_NotFound, mappings.get, locator(m.id), contains="not found")
        gone = self.assert_err(types.Error_NotFound, mappings.delete, locator(m.id))
        self.assertEqual((gone.value.status, gone.value.code), (404, "COM0004"))

    def test_pages_follow_the_next_key(self):
        for port in range(1, 6):
            self.create(f"sim:{SIM}:{8000 + port}")
        self.requests.clear()
        seen, cursor = [], None
        while True:
            page = mappings.list_(query(limit=2, cursor=cursor))
            seen += [m.id for m in page.items]
            cursor = page.next
            if not cursor:
                break
        self.assertEqual(len(seen), 5)
        self.assertEqual(len(set(seen)), 5)
        self.assertEqual(self.sent()[0], "GET /v1/port_mappings?limit=2")
        self.assertTrue(all("last_evaluated_key=" in r for r in self.sent()[1:]), self.sent())
        # `get` walks every page.
        self.assertEqual(mappings.get(locator(seen[-1])).id, seen[-1])
        self.assert_err(types.Error_InvalidInput, mappings.list_, query(cursor="garbage!"), field="cursor")

    def test_filters(self):
        by_sim = self.create(f"sim:{SIM}:22")
        by_imsi = self.create(f"imsi:{IMSI}:80")
        self.assertEqual([m.id for m in mappings.list_(query([("sim-id", SIM)])).items], [by_sim.id])
        self.assertEqual([m.id for m in mappings.list_(query([("imsi", IMSI)])).items], [by_imsi.id])
        # The per-SIM and per-IMSI lists answer 404 when there is nothing: an empty list.
        self.assertEqual(mappings.list_(query([("sim-id", "1")])).items, [])
        self.assertEqual(mappings.list_(query([("sim-id", SIM), ("sim-id", SIM)])).items[0].id, by_sim.id)
        self.assertEqual(self.sent()[-1], f"GET /v1/port_mappings/sims/{SIM}")
        for filters, field in [
            ([("sim-id", "1"), ("imsi", "2")], "filters.imsi"),
            ([("sim-id", "1"), ("sim-id", "2")], "filters.sim-id"),
            ([("status", "x")], "filters.status"),
            ([("imsi", " ")], "filters.imsi"),
        ]:
            with self.subTest(filters=filters):
                self.assert_err(types.Error_InvalidInput, mappings.list_, query(filters), field=field)
        self.assert_err(types.Error_InvalidInput, mappings.list_, query([("sim-id", SIM)], cursor="x"), field="cursor")

    def test_declared_shape_is_enforced_before_sending(self):
        before = len(self.requests)
        cases = [
            (mappings.list_, query(kind="route"), "kind"),
            (mappings.list_, query([("sim-id", "other")], parent_id=SIM), "filters.sim-id"),
            (mappings.get, locator("203.0.113.1:40000", kind="route"), "kind"),
            (mappings.delete, locator("nope"), "id"),
            (mappings.create, spec(f"sim:{SIM}:22", kind="route"), "kind"),
            (mappings.create, spec("sim:9999:22", parent_id=SIM), "parent-id"),
            (mappings.create, spec(f"sim:{SIM}:22", labels=[types.Label("a", "b")]), "labels"),
            (mappings.create, spec(f"sim:{SIM}:22", clear=["destination"]), "clear"),
            (mappings.create, spec(f"sim:{SIM}:99999"), "destination"),
        ]
        for call, arg, field in cases:
            with self.subTest(call=call.__name__, field=field):
                self.assert_err(types.Error_InvalidInput, call, arg, field=field)
        self.assertEqual(len(self.requests), before, "nothing may be sent for a refused input")
        mappings.list_(query(kind="port-mapping"))

    def test_host_errors_pass_unchanged(self):
        denial = types.HostError_Denied(types.Denial(types.DenialReason.HOST_NOT_GRANTED, "host `x` is not granted"))
        self.api = lambda *_: Err(denial)
        error = self.assert_err(types.Error_Host, mappings.list_, query())
        self.assertEqual(error.value, denial)

    def test_a_lost_create_is_reported_with_a_warning(self):
        lost = types.HostError_Transport(types.TransportFailure(types.TransportKind.BROKEN, True, "connection reset"))
        self.api = lambda *_: Err(lost)
        error = self.assert_err(types.Error_Host, mappings.create, spec(f"sim:{SIM}:22"))
        self.assertEqual(error.value, lost)
        self.assertIn("outcome is unknown", self.logs[-1][1])

    def test_a_delete_with_a_lost_answer_is_checked(self):
        entry = self.create(f"sim:{SIM}:22")
        napter = self.api
        lost = types.HostError_Transport(types.TransportFailure(types.TransportKind.BROKEN, True, "reset"))

        def delete_then_lose(method, segments, query, body):
            answer = napter(method, segments, query, body)
            return Err(lost) if method == "DELETE" else answer

        self.api = delete_then_lose
        mappings.delete(locator(entry.id))  # gone afterwards: the delete happened
        self.assertEqual(self.sent()[-2:], ["DELETE /v1/port_mappings/203.0.113.1/40000", "GET /v1/port_mappings"])

    def test_provider_answers_that_make_no_sense(self):
        self.api = lambda *_: response(200, {"not": "a list"})
        self.assert_err(types.Error_Provider, mappings.list_, query())
        self.api = lambda *_: response(201, {"port": 1})
        self.assert_err(types.Error_Provider, mappings.create, spec(f"sim:{SIM}:22"), contains="ipAddress")
        self.api = lambda *_: response(200, "<html>")
        self.assert_err(types.Error_Provider, mappings.list_, query(), contains="not JSON")

    def test_settings_choose_the_host(self):
        del self.settings["endpoint"]
        self.settings["coverage"] = "nowhere"
        self.assert_err(types.Error_InvalidInput, mappings.list_, query(), contains="`coverage`")
        self.assertEqual(self.requests, [])
        self.settings["coverage"] = "g"
        self.assertEqual(api.profile_base_url(), "https://g.api.soracom.io/v1")


if __name__ == "__main__":
    unittest.main()
