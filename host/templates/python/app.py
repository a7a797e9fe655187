"""portico adapter `{{name}}`, in Python (componentize-py): the gateways of the Toy VPN API.

componentize-py looks in this module for one class per exported interface, named after it
(`Adapter`, `Gateways`, `Operations`, ...). The world exports all four nouns; the three this
adapter does not serve answer `unsupported` (the host never calls them: the description
declares only the gateway noun). The logic lives in the `{{lib}}` package.
"""

from wit_world import exports

from {{lib}} import describe, errors, gateways


class Adapter(exports.Adapter):
    def describe(self):
        return describe.description()


class Gateways(exports.Gateways):
    def list(self, query):
        return gateways.list_(query)

    def get(self, target):
        return gateways.get(target)

    def create(self, spec):
        return gateways.create(spec)

    def update(self, target, spec):
        raise errors.unsupported("gateway.update is not supported by this adapter")

    def delete(self, target):
        gateways.delete(target)


class Operations(exports.Operations):
    def catalog(self):
        return []

    def invoke(self, name, params, body, cursor, secrets):
        raise errors.unsupported(f"operation `{name}` is not supported by this adapter")


class _NotServed:
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


class Tunnels(_NotServed, exports.Tunnels):
    noun = "tunnel"


class Peers(_NotServed, exports.Peers):
    noun = "peer"


class Mappings(_NotServed, exports.Mappings):
    noun = "mapping"
