"""The `{{name}}` adapter's logic: `describe` (what it needs), `gateways` (the noun), `api`
(requests through the host) and `errors` (the contract's error cases)."""
