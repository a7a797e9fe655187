"""The gateway noun against the fake host and its in-memory Toy VPN."""

import json
import unittest

# First: it puts the generated bindings and src/ on the path.
from fake_host import Err, HostTest, locator, query, spec, types

from {{lib}} import describe, gateways


class GatewaysTest(HostTest):
    def test_lifecycle(self):
        created = gateways.create(spec("edge", ["10.10.0.0/24"], '{"region": "us-1"}'))
        self.assertEqual((created.id, created.state), ("gw-1", types.State.PROVISIONING))
        self.assertEqual(json.loads(self.requests[0].body), {"region": "us-1", "name": "edge", "networks": ["10.10.0.0/24"]})
        self.assertEqual(created.public_addresses, ["203.0.113.1"])
        self.assertEqual(gateways.get(locator("gw-1")).state, types.State.AVAILABLE)
        self.assertEqual([g.id for g in gateways.list_(query()).items], ["gw-1"])
        gateways.delete(locator("gw-1"))
        self.assert_err(types.Error_NotFound, gateways.get, locator("gw-1"))
        self.assertEqual(self.sent(), [
            "POST /toy/v1/gateways",
            "GET /toy/v1/gateways/gw-1",
            "GET /toy/v1/gateways?limit=20",
            "DELETE /toy/v1/gateways/gw-1",
            "GET /toy/v1/gateways/gw-1",
        ])

    def test_pages_follow_the_cursor(self):
        for n in range(3):
            gateways.create(spec(f"g{n}"))
        first = gateways.list_(query(limit=2))
        second = gateways.list_(query(limit=2, cursor=first.next))
        self.assertEqual([g.name for g in first.items + second.items], ["g0", "g1", "g2"])
        self.assertIsNone(second.next)

    def test_errors_keep_the_providers_word(self):
        err = self.assert_err(types.Error_InvalidInput, gateways.create, spec(), field="name")
        self.assertEqual((err.value.status, err.value.code), (422, "invalid"))
        gateways.create(spec("twice"))
        self.assert_err(types.Error_Conflict, gateways.create, spec("twice"))

    def test_undeclared_input_is_refused_before_sending(self):
        for call, arg, field in [
            (gateways.list_, query(kind="other"), "kind"),
            (gateways.list_, query([("zone", "a")]), "filters.zone"),
            (gateways.list_, query(parent_id="p"), "parent-id"),
            (gateways.get, locator("gw-1", kind="other"), "kind"),
            (gateways.create, spec("x", labels=[types.Label("a", "b")]), "labels"),
            (gateways.create, spec("x", public_address="198.51.100.1"), "public-address"),
        ]:
            with self.subTest(field=field):
                self.assert_err(types.Error_InvalidInput, call, arg, field=field)
        self.assertEqual(self.requests, [])

    def test_host_errors_pass_unchanged_and_a_lost_create_is_looked_up(self):
        denial = types.HostError_Denied(types.Denial(types.DenialReason.HOST_NOT_GRANTED, "not granted"))
        toy = self.api
        self.api = lambda *_: Err(denial)
        self.assertEqual(self.assert_err(types.Error_Host, gateways.list_, query()).value, denial)
        lost = types.HostError_Transport(types.TransportFailure(types.TransportKind.BROKEN, True, "reset"))

        def create_then_lose(method, path, params, body):
            answer = toy(method, path, params, body)
            return Err(lost) if method == "POST" else answer

        self.api = create_then_lose
        self.assertEqual(gateways.create(spec("edge")).name, "edge")

    def test_the_description_declares_what_the_noun_does(self):
        d = describe.description()
        self.assertEqual(d.name, "{{name}}")
        self.assertEqual(d.hosts, d.credentials[0].hosts)
        self.assertEqual(json.loads(d.examples[0].create)["name"], "example")


if __name__ == "__main__":
    unittest.main()
