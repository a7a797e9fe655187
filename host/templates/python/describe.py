"""What the adapter tells the host about itself: the gateway noun and what it supports, the
host it reaches, the credential the host applies for it, the reserved `endpoint` setting, and
the example the conformance suite (`portico adapter test`) creates."""

import json

from wit_world.exports import adapter as a

from . import api, gateways

NAME = "{{name}}"
VERSION = "0.1.0"


def description():
    return a.Description(
        name=NAME,
        version=VERSION,
        provider="Toy VPN",
        summary="Toy VPN gateways",
        nouns=[
            a.NounSupport(
                noun=a.Noun.GATEWAY,
                # `update` is left out: the host then answers it without calling us.
                actions=[a.Action.LIST, a.Action.GET, a.Action.CREATE, a.Action.DELETE],
                parent=a.ParentRule.NONE,
                filters=[],
                labels=False,
                # Toy VPN names are unique: a create whose outcome is unknown is looked up by name.
                unique_names=True,
            )
        ],
        # Toy VPN gateways have no description field and no IPSec parameters.
        kinds=[a.KindInfo(a.Noun.GATEWAY, gateways.KIND, "a Toy VPN gateway", False, None)],
        hosts=[api.HOST],
        credentials=[
            a.CredentialSpec(
                name=api.CREDENTIAL,
                description="Toy VPN API token",
                fields=[a.CredentialField("token", "API token", secret=True)],
                # The host sends `Authorization: Bearer <token>`; the token never enters the adapter.
                schemes=[a.CredentialScheme_Bearer("token")],
                hosts=[api.HOST],
            )
        ],
        # `endpoint` is reserved: the host grants that origin (plain http allowed) and binds the
        # approved credential to it, which is how a profile points at the emulator.
        settings=[a.Setting("endpoint", "Origin used instead of the API host", False, None, [])],
        secret_inputs=[],
        examples=[
            a.Example(
                noun=a.Noun.GATEWAY,
                kind=gateways.KIND,
                parent_kind=None,
                # The suite makes the name unique per run. `{}`: no update.
                create=json.dumps({"name": "example", "networks": ["10.10.0.0/24"]}),
                update="{}",
                secrets=[],
                prepare=[],
            )
        ],
    )
