"""PortMapping documents -> mapping records, and entry ids."""

import json
import unittest

from fake_host import types
from componentize_py_types import Err

from napter import records


class RecordsTest(unittest.TestCase):
    def test_ids_parse_and_print(self):
        self.assertEqual(records.parse_id(" 203.0.113.9:40001 "), ("203.0.113.9", 40001))
        self.assertEqual(records.show_id("203.0.113.9", 40001), "203.0.113.9:40001")
        self.assertEqual(records.parse_id("[2001:db8::9]:443"), ("2001:db8::9", 443))
        self.assertEqual(records.show_id("2001:db8::9", 443), "[2001:db8::9]:443")
        for bad in ["203.0.113.9", "203.0.113.9:", ":80", "203.0.113.9:0", "203.0.113.9:70000",
                    "2001:db8::9:443", "[2001:db8::9]443", "[2001:db8::9", "1.2.3.4:+80"]:
            with self.subTest(bad=bad), self.assertRaises(Err) as caught:
                records.parse_id(bad)
            self.assertIsInstance(caught.exception.value, types.Error_InvalidInput)
            self.assertEqual(caught.exception.value.value.field, "id")

    def test_sim_entry_becomes_a_record(self):
        doc = {
            "ipAddress": "203.0.113.9", "port": 40001, "endpoint": "203.0.113.9:40001",
            "hostname": "p-203-0-113-9.napter.soracom.io",
            "destination": {"simId": "8942", "port": 22, "destinationChoosingStrategy": "ARC_PRIORITIZED"},
            "source": {"ipRanges": ["198.51.100.0/24"]},
            "duration": 3600, "tlsRequired": False,
            "createdTime": 1714557600000, "expiredTime": 1714561200500,
            "expired": False, "simId": "8942", "operatorId": "OP0012345678",
        }
        m = records.mapping(doc)
        self.assertEqual(m.id, "203.0.113.9:40001")
        self.assertEqual(m.parent_id, "8942")  # the SIM the entry forwards to
        self.assertEqual(m.kind, "port-mapping")
        self.assertEqual((m.state, m.provider_state), (types.State.AVAILABLE, "active"))
        self.assertEqual(m.source, "p-203-0-113-9.napter.soracom.io:40001")
        self.assertEqual(m.destination, "sim:8942:22")
        self.assertEqual(m.allowed_networks, ["198.51.100.0/24"])
        self.assertEqual(m.labels, [])
        self.assertEqual(m.created_at, "2024-05-01T10:00:00Z")
        self.assertEqual(m.expires_at, "2024-05-01T11:00:00.500Z")
        self.assertEqual(json.loads(m.raw), doc)

    def test_expired_imsi_entry_without_hostname(self):
        doc = {
            "ipAddress": "2001:db8::5", "port": 50000.0,
            "destination": {"imsi": "440101234567890", "port": 80, "destinationChoosingStrategy": "IMSI_PRIORITIZED"},
            "expired": True, "imsi": "440101234567890",
        }
        m = records.mapping(doc)
        self.assertEqual(m.id, "[2001:db8::5]:50000")
        self.assertEqual((m.state, m.provider_state), (types.State.INACTIVE, "expired"))
        self.assertEqual(m.source, "[2001:db8::5]:50000")
        self.assertEqual(m.destination, "imsi:440101234567890:80")
        self.assertEqual(m.allowed_networks, [])
        self.assertIsNone(m.created_at)

    def test_timestamps(self):
        self.assertEqual(records.rfc3339_from_ms(0), "1970-01-01T00:00:00Z")
        self.assertEqual(records.rfc3339_from_ms(951_782_400_000), "2000-02-29T00:00:00Z")
        self.assertEqual(records.rfc3339_from_ms(-1), "1969-12-31T23:59:59.999Z")
        self.assertEqual(records.rfc3339_from_ms(4_102_444_799_000), "2099-12-31T23:59:59Z")
        self.assertIsNone(records.rfc3339_from_ms(10**20))


if __name__ == "__main__":
    unittest.main()
