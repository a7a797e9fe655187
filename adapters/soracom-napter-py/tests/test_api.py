"""Where the API lives, and how its errors become the contract's variants."""

import unittest

from fake_host import response, types
from componentize_py_types import Err

from napter import api


class BaseUrlTest(unittest.TestCase):
    def test_endpoint_coverage_and_sandbox(self):
        self.assertEqual(api.base_url(None, None, None), "https://api.soracom.io/v1")
        self.assertEqual(api.base_url(None, "g", None), "https://g.api.soracom.io/v1")
        self.assertEqual(api.base_url(None, "jp", "true"), "https://api-sandbox.soracom.io/v1")
        self.assertEqual(api.base_url(None, " g ", "true"), "https://g.api-sandbox.soracom.io/v1")
        self.assertEqual(api.base_url(None, " ", "false"), "https://api.soracom.io/v1")
        self.assertEqual(api.base_url("http://127.0.0.1:8080/", "g", "true"), "http://127.0.0.1:8080/v1")
        self.assertEqual(api.base_url("http://127.0.0.1:8080/v1", None, None), "http://127.0.0.1:8080/v1")
        self.assertEqual(api.base_url(" https://proxy.example/v1/ ", None, None), "https://proxy.example/v1")
        for endpoint, coverage, sandbox, word in [
            (None, "us", None, "`coverage`"),
            (None, None, "yes", "`sandbox`"),
            ("ftp://x", None, None, "`endpoint`"),
            # The endpoint does not excuse a bad coverage or sandbox value.
            ("http://127.0.0.1:8080", "nowhere", None, "`coverage`"),
            ("http://127.0.0.1:8080", None, "x", "`sandbox`"),
        ]:
            with self.subTest(endpoint=endpoint, coverage=coverage, sandbox=sandbox), self.assertRaises(Err) as caught:
                api.base_url(endpoint, coverage, sandbox)
            self.assertIsInstance(caught.exception.value, types.Error_InvalidInput)
            self.assertIn(word, caught.exception.value.value.message)
        # Every host a profile can reach is declared.
        for coverage in api.COVERAGES:
            for sandbox in ("false", "true"):
                host = api.base_url(None, coverage, sandbox).removeprefix("https://").removesuffix("/v1")
                self.assertIn(host, api.HOSTS)


class ErrorTest(unittest.TestCase):
    def mapped(self, status, body, headers=()):
        return api.map_error(response(status, body, headers)).value

    def test_flat_bodies_keep_their_code(self):
        e = self.mapped(400, '{"code":"SEM0016","message":"The specified subscriber is offline"}')
        self.assertEqual(e, types.Error_InvalidInput(types.Problem("The specified subscriber is offline", 400, "SEM0016", None)))
        e = self.mapped(404, '{"code":"NPT0404","message":"No such entry"}')
        self.assertEqual(e, types.Error_NotFound(types.Problem("No such entry", 404, "NPT0404", None)))
        for status, case in [(401, types.Error_Unauthorized), (403, types.Error_Forbidden), (409, types.Error_Conflict),
                             (422, types.Error_InvalidInput), (500, types.Error_Provider), (415, types.Error_Provider)]:
            self.assertIsInstance(self.mapped(status, '{"code":"AUM0001","message":"m"}'), case)
        self.assertEqual(self.mapped(403, "").value.message, "HTTP 403")

    def test_wrapped_odd_and_text_bodies(self):
        e = self.mapped(400, '{"httpStatus":400,"errorMessage":{"code":"NPT0042","message":"bad"}}')
        self.assertEqual((e.value.message, e.value.code), ("bad", "NPT0042"))
        e = self.mapped(500, '{"httpStatus":500,"errorMessage":{"code":"COM0001","message":" boom "}}')
        self.assertIsInstance(e, types.Error_Provider)
        self.assertEqual(e.value.message, "boom")
        e = self.mapped(400, '{"errorMessage":"oops","code":"COM0003","message":"flat"}')
        self.assertEqual((e.value.message, e.value.code), ("flat", "COM0003"))
        e = self.mapped(429, '{"code":"COM0002","message":"slow down"}', [("retry-after", "3")])
        self.assertEqual(e, types.Error_RateLimited(types.RateLimit(3, types.Problem("slow down", 429, "COM0002", None))))
        self.assertEqual(self.mapped(400, '{"code":"X1"}').value.message, "HTTP 400")
        self.assertEqual(self.mapped(400, '{"error": 1}').value.message, '{"error": 1}')
        e = self.mapped(502, "<html>Bad Gateway</html>\n")
        self.assertEqual((type(e), e.value.message), (types.Error_Provider, "<html>Bad Gateway</html>"))
        self.assertEqual(self.mapped(503, "").value.message, "HTTP 503")


class CursorTest(unittest.TestCase):
    def test_round_trip_and_malformed(self):
        cursor = api.encode_cursor({"key": "203.0.113.9:40001"})
        self.assertNotIn("=", cursor)
        self.assertEqual(api.decode_cursor(cursor), {"key": "203.0.113.9:40001"})
        for bad in ["not a cursor!", "%%%", "eyJr"]:
            with self.subTest(bad=bad), self.assertRaises(Err) as caught:
                api.decode_cursor(bad)
            self.assertEqual(caught.exception.value.value.field, "cursor")


if __name__ == "__main__":
    unittest.main()
