"""The description: noun support, the credential the host exchanges, settings, examples."""

import json
import unittest

from fake_host import HostTest, spec
from wit_world.exports import adapter as a
from wit_world.imports import types

import app
from napter import describe, mappings, spec as napter_spec


class DescribeTest(HostTest):
    def test_noun_support_is_what_the_code_does(self):
        d = app.Adapter().describe()
        self.assertEqual((d.name, d.version, d.provider), ("soracom-napter-py", "0.1.0", "Soracom Napter"))
        [support] = d.nouns
        self.assertEqual(support.noun, a.Noun.MAPPING)
        self.assertEqual(support.actions, [a.Action.LIST, a.Action.GET, a.Action.CREATE, a.Action.DELETE])
        self.assertEqual(support.parent, a.ParentRule.OPTIONAL)
        self.assertEqual([f.key for f in support.filters], ["sim-id", "imsi"])
        self.assertEqual((support.labels, support.unique_names), (False, False))
        self.assertEqual([(k.noun, k.kind) for k in d.kinds], [(a.Noun.MAPPING, "port-mapping")])
        self.assertEqual(d.hosts, ["api.soracom.io", "g.api.soracom.io", "api-sandbox.soracom.io", "g.api-sandbox.soracom.io"])
        self.assertEqual(d.secret_inputs, [])
        self.assertEqual(self.requests, [], "describe must not make requests")

    def test_the_credential_is_the_authkey_token_exchange(self):
        [credential] = app.Adapter().describe().credentials
        self.assertEqual(credential.name, "soracom")
        self.assertEqual([(f.name, f.secret) for f in credential.fields], [("auth-key-id", False), ("auth-key", True)])
        self.assertEqual(credential.hosts, describe.description().hosts)
        [scheme] = credential.schemes
        self.assertIsInstance(scheme, a.CredentialScheme_TokenExchange)
        exchange = scheme.value
        self.assertEqual((exchange.method, exchange.path, exchange.content_type), (types.Method.POST, "/v1/auth", "application/json"))
        # Byte for byte what the Rust adapter declares, so all three share one cached session.
        self.assertEqual(exchange.body, '{"authKeyId":"{{field:auth-key-id}}","authKey":"{{field:auth-key}}","tokenTimeoutSeconds":86400}')
        self.assertEqual(json.loads(exchange.body)["tokenTimeoutSeconds"], exchange.lifetime_seconds)
        self.assertEqual([(c.pointer, c.header, c.prefix) for c in exchange.captures],
                         [("/apiKey", "X-Soracom-API-Key", None), ("/token", "X-Soracom-Token", None)])
        self.assertIsNone(exchange.lifetime_pointer)

    def test_settings(self):
        settings = [(s.key, s.default_value, s.allowed, s.required) for s in describe.settings()]
        self.assertEqual(settings, [
            ("coverage", "jp", ["jp", "g"], False),
            ("sandbox", "false", ["false", "true"], False),
            ("endpoint", None, [], False),
        ])

    def test_the_example_is_a_valid_spec(self):
        [example] = describe.description().examples
        self.assertEqual((example.noun, example.kind, example.parent_kind, example.secrets), (a.Noun.MAPPING, "port-mapping", None, []))
        create = json.loads(example.create)
        s = spec(create["destination"], json.dumps(create["properties"]), create["allowed-networks"], kind=example.kind)
        self.assertEqual(napter_spec.parse(s)["duration"], 3600)
        self.assertEqual(mappings.create(s).destination, create["destination"])
        self.assertEqual(json.loads(example.update), {})


if __name__ == "__main__":
    unittest.main()
