"""Mapping specs -> create bodies, and every refusal naming its field (the Rust adapter's
cases)."""

import unittest

from fake_host import spec
from componentize_py_types import Err
from wit_world.imports import types

from napter import spec as napter_spec


def refused(s):
    try:
        napter_spec.parse(s)
    except Err as e:
        assert isinstance(e.value, types.Error_InvalidInput), e
        return e.value.value
    raise AssertionError(f"accepted {s}")


class SpecTest(unittest.TestCase):
    def test_sim_destination_with_port_and_properties(self):
        body = napter_spec.parse(
            spec(
                "sim:8942310022000012345:22",
                '{"service": "arc", "duration": 3600, "tlsRequired": false}',
                ["203.0.113.0/24", " 2001:db8::/32 "],
            )
        )
        self.assertEqual(
            body,
            {
                "destination": {"simId": "8942310022000012345", "service": "arc", "port": 22},
                "duration": 3600,
                "source": {"ipRanges": ["203.0.113.0/24", "2001:db8::/32"]},
                "tlsRequired": False,
            },
        )

    def test_imsi_from_properties_only(self):
        body = napter_spec.parse(spec(None, '{"imsi": "440101234567890", "port": "80", "duration": "60", "tlsRequired": "true"}'))
        self.assertEqual(body, {"destination": {"imsi": "440101234567890", "port": 80}, "duration": 60, "tlsRequired": True})

    def test_a_sim_named_twice_must_agree(self):
        s = spec(None, '{"port": 8080, "simId": "8942"}', kind="port-mapping")
        self.assertEqual(napter_spec.parse(s), {"destination": {"simId": "8942", "port": 8080}})
        s.destination = "sim:8942:8080"
        napter_spec.parse(s)
        s.destination = "sim:9999:8080"
        problem = refused(s)
        self.assertEqual(problem.message, "`destination` and `properties.simId` name different SIM ids (`9999` and `8942`)")
        self.assertEqual(problem.field, "properties/simId")

    def test_every_rule_names_its_field(self):
        cases = [
            ("sim:1:22", '{"duration": 28801}', [], "`duration`", "properties/duration"),
            ("sim:1:22", '{"duration": 0}', [], "`duration`", "properties/duration"),
            ("sim:1:22", '{"duration": -5}', [], "`duration`", "properties/duration"),
            ("sim:1:22", '{"duration": 1.5}', [], "`duration`", "properties/duration"),
            ("sim:1:22", '{"duration": "soon"}', [], "`duration`", "properties/duration"),
            ("sim:1:22", '{"duration": true}', [], "`duration`", "properties/duration"),
            ("sim:1:0", "", [], "`port`", "destination"),
            ("sim:1:65536", "", [], "`port`", "destination"),
            ("sim:1", '{"port": -1}', [], "`port`", "properties/port"),
            ("sim:1", "", [], "missing `port`", "destination"),
            (None, '{"port": 22}', [], "missing `destination`", "destination"),
            ("22", "", [], "`destination`", "destination"),
            ("mac:1:22", "", [], "`destination`", "destination"),
            ("sim::22", "", [], "`destination`", "destination"),
            ("sim:1:22", '{"service": "beam"}', [], "`service`", "properties/service"),
            ("imsi:4401:22", '{"service": "air"}', [], "`service`", "properties/service"),
            ("sim:1:22", '{"imsi": "4401"}', [], "`destination` names both", "destination"),
            ("sim:1:22", '{"port": 23}', [], "different ports", "properties/port"),
            ("sim:1:22", '{"tlsRequired": 1}', [], "`tlsRequired`", "properties/tlsRequired"),
            ("sim:1:22", '{"simId": 5}', [], "`simId`", "properties/simId"),
            ("sim:1:22", '{"durration": 5}', [], "`durration`", "properties/durration"),
            ("sim:1:22", "[1]", [], "`properties`", "properties"),
            ("sim:1:22", "{nope", [], "`properties`", "properties"),
            ("sim:1:22", "", ["10.0.0.0"], "`allowed-networks`", "allowed-networks"),
            ("sim:1:22", "", ["10.0.0.0/33"], "`allowed-networks`", "allowed-networks"),
            ("sim:1:22", "", ["10.0.0.256/8"], "`allowed-networks`", "allowed-networks"),
            ("sim:1:22", "", ["2001:db8::/129"], "`allowed-networks`", "allowed-networks"),
            ("sim:1:22", "", ["10.0.0.0/x"], "`allowed-networks`", "allowed-networks"),
            ("sim:1:22", "", ["example.com/24"], "`allowed-networks`", "allowed-networks"),
            ("sim:1:22", "", ["fe80::1%eth0/64"], "`allowed-networks`", "allowed-networks"),
        ]
        for destination, properties, networks, text, field in cases:
            with self.subTest(destination=destination, properties=properties, networks=networks):
                problem = refused(spec(destination, properties, networks))
                self.assertIn(text, problem.message)
                self.assertEqual(problem.field, field)
                self.assertIsNone(problem.status)
        self.assertEqual(refused(spec("sim:1:22", name="ssh")).field, "name")
        self.assertEqual(refused(spec("sim:1:22", source="198.51.100.1:22")).field, "source")

    def test_limits_are_inclusive(self):
        networks = ["0.0.0.0/0", "::/0", "::1/128", "::ffff:192.0.2.1/128", "1:2:3:4:5:6:7::/64"]
        self.assertEqual(napter_spec.parse(spec("sim:1:1", '{"duration": 1}', networks))["duration"], 1)
        body = napter_spec.parse(spec("sim:1:65535", '{"duration": 28800.0}', networks))
        self.assertEqual((body["destination"]["port"], body["duration"]), (65535, 28800))
        self.assertEqual(napter_spec.check_cidr(" 192.0.2.7/32 "), "192.0.2.7/32")

    def test_blank_and_null_properties_are_empty(self):
        # The host always sends an object; an adapter called directly may get less.
        for properties in ("", "  ", "null", "{}"):
            self.assertEqual(napter_spec.parse(spec("sim:1:22", properties)), {"destination": {"simId": "1", "port": 22}})


if __name__ == "__main__":
    unittest.main()
