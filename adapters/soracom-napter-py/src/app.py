"""portico adapter for Soracom Napter On-Demand Remote Access, in Python (componentize-py).

componentize-py looks for one class per exported interface in this module, named after it
(`Adapter`, `Mappings`, `Operations`, ...). The world exports all four nouns, so the three
Napter does not have answer `unsupported`; the host never calls them anyway, since the
description declares only the mapping noun.

The logic lives in the `napter` package; this module only wires it to the exports.
"""

from wit_world import exports

from napter import catalog, describe, errors, mappings


class Adapter(exports.Adapter):
    def describe(self):
        return describe.description()


class Mappings(exports.Mappings):
    def list(self, query):
        return mappings.list_(query)

    def get(self, target):
        return mappings.get(target)

    def create(self, spec):
        return mappings.create(spec)

    def update(self, target, spec):
        raise errors.unsupported(mappings.UNSUPPORTED_UPDATE)

    def delete(self, target):
        mappings.delete(target)


class Operations(exports.Operations):
    def catalog(self):
        return catalog.catalog()

    def invoke(self, name, params, body, cursor, secrets):
        # Napter declares no secret inputs, so `secrets` is always empty. (An adapter that
        # has some only ever sees `{{secret:NAME}}` placeholders, already where the user put
        # them in `body`; the host swaps in the value on the wire, and only at a placement the
        # description declares for that input.)
        return catalog.invoke(name, params, body, cursor)


class _NotANapterNoun:
    noun = ""

    def _refuse(self, action):
        return errors.unsupported(f"{self.noun}.{action} is not supported by this adapter")

    def list(self, query):
        raise self._refuse("list")

    def get(self, target):
        raise self._refuse("get")

    def create(self, spec):
        raise self._refuse("create")

    def update(self, target, spec):
        raise self._refuse("update")

    def delete(self, target):
        raise self._refuse("delete")


class Gateways(_NotANapterNoun, exports.Gateways):
    noun = "gateway"


class Tunnels(_NotANapterNoun, exports.Tunnels):
    noun = "tunnel"


class Peers(_NotANapterNoun, exports.Peers):
    noun = "peer"
