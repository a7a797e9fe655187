"""What the adapter tells the host about itself: the mapping noun and what it supports, the
Soracom hosts, the `soracom` credential (exchanged by the host at `POST /v1/auth`), the
profile settings and the example the conformance suite creates."""

import json

from wit_world.exports import adapter as a
from wit_world.imports import types

from . import api, mappings, spec

NAME = "soracom-napter-py"
VERSION = "0.1.0"
# How long a token lives: what the exchange asks for (Soracom's default of 24 hours) and what
# the host assumes (Soracom's answer carries no expiry).
TOKEN_LIFETIME_SECONDS = 86_400

# The exchange body is a template, not JSON the adapter fills in: the host replaces each
# `{{field:NAME}}` with the credential field NAME (JSON-escaped) when it makes the exchange,
# so the AuthKey never passes through the adapter.
AUTH_BODY = json.dumps(
    {"authKeyId": "{{field:auth-key-id}}", "authKey": "{{field:auth-key}}", "tokenTimeoutSeconds": TOKEN_LIFETIME_SECONDS},
    separators=(",", ":"),
)

# What the conformance suite creates: valid against the bundled emulator. No `name`: Napter
# entries have none (a spec with one is refused). No update: entries cannot be changed.
EXAMPLE_CREATE = {
    "destination": "sim:8942310022000012345:22",
    "allowed-networks": ["198.51.100.0/24"],
    "properties": {"duration": 3600},
}


def credential():
    return a.CredentialSpec(
        name=api.CREDENTIAL,
        description="Soracom AuthKey (of the root account or a SAM user), exchanged by the host for an API key and token",
        fields=[
            a.CredentialField("auth-key-id", "AuthKey id (`keyId-...`)", secret=False),
            a.CredentialField("auth-key", "AuthKey secret (`secret-...`)", secret=True),
        ],
        schemes=[
            a.CredentialScheme_TokenExchange(
                a.TokenExchangeScheme(
                    method=types.Method.POST,
                    path="/v1/auth",
                    content_type="application/json",
                    body=AUTH_BODY,
                    captures=[
                        a.TokenCapture("/apiKey", "X-Soracom-API-Key", None),
                        a.TokenCapture("/token", "X-Soracom-Token", None),
                    ],
                    lifetime_seconds=TOKEN_LIFETIME_SECONDS,
                    lifetime_pointer=None,
                )
            )
        ],
        hosts=list(api.HOSTS),
    )


def settings():
    return [
        a.Setting(
            "coverage",
            "Coverage type: `jp` (Japan, api.soracom.io) or `g` (Global, g.api.soracom.io)",
            required=False,
            default_value=api.DEFAULT_COVERAGE,
            allowed=list(api.COVERAGES),
        ),
        a.Setting(
            "sandbox",
            "`true` to use the API sandbox of the coverage (api-sandbox.soracom.io) instead of production",
            required=False,
            default_value="false",
            allowed=["false", "true"],
        ),
        # `endpoint` is reserved: the host grants that origin (plain http allowed) and binds
        # the approved credential to it, which is how a profile points at the emulator.
        a.Setting(
            "endpoint",
            "Origin used instead of the coverage's host, `/v1` is added (a proxy or an emulator, e.g. http://127.0.0.1:8080)",
            required=False,
            default_value=None,
            allowed=[],
        ),
    ]


def description():
    return a.Description(
        name=NAME,
        version=VERSION,
        provider="Soracom Napter",
        summary="Napter On-Demand Remote Access entries (temporary port mappings to devices behind Soracom SIMs), in Python",
        nouns=[
            a.NounSupport(
                noun=a.Noun.MAPPING,
                # `update` is left out: the host then answers it without calling us.
                actions=[a.Action.LIST, a.Action.GET, a.Action.CREATE, a.Action.DELETE],
                # The parent, when given, is the SIM an entry forwards to.
                parent=a.ParentRule.OPTIONAL,
                filters=[a.FilterSpec(key, text) for key, text in mappings.FILTERS.items()],
                labels=False,
                # Entries have no name at all, so none can be found again by name.
                unique_names=False,
            )
        ],
        kinds=[
            a.KindInfo(
                a.Noun.MAPPING,
                spec.KIND,
                "Napter entry: a public ipAddress:port forwarding to a port of a SIM's device for up to 8 hours",
                # Mappings have no description field.
                False,
                # Nor IPSec parameters.
                None,
            )
        ],
        hosts=list(api.HOSTS),
        credentials=[credential()],
        settings=settings(),
        secret_inputs=[],
        examples=[
            a.Example(
                noun=a.Noun.MAPPING,
                kind=spec.KIND,
                parent_kind=None,
                create=json.dumps(EXAMPLE_CREATE),
                update="{}",
                secrets=[],
                prepare=[],
            )
        ],
    )
