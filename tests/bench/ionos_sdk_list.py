"""The bench's IONOS Python SDK side: every WireGuard gateway, page by page (limit 1), with the
official `ionoscloud-vpn` SDK pointed at the emulator, as a script without portico would list
them. Prints `pages N`. The token comes from IONOS_TOKEN, the URL from IONOS_API_URL."""
import os

import ionoscloud_vpn

configuration = ionoscloud_vpn.Configuration(host=os.environ["IONOS_API_URL"], token=os.environ["IONOS_TOKEN"])
with ionoscloud_vpn.ApiClient(configuration) as client:
    api = ionoscloud_vpn.WireguardGatewaysApi(client)
    offset, pages, items = 0, 0, []
    while True:
        page = api.wireguardgateways_get(offset=offset, limit=1)
        pages += 1
        items.extend(page.items or [])
        if not (page.links and page.links.next):
            break
        offset += 1
    print("pages", pages, "items", len(items))
