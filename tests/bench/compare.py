"""The bench rows that compare portico with something else (curl, the IONOS Python SDK, a native
reqwest client, itself one page or one profile at a time), each with its target. Used by
bench.py; standard library only (the Python SDK runs in its own venv)."""
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

DC = "5a029f4a-58ba-11ee-8c99-0242ac120002"
PROPS = '{"connections":[{"datacenterId":"%s","lanId":"1","ipv4CIDR":"192.168.1.10/24"}]}' % DC


def timed(argv, env, stdin=None):
    """Wall seconds of one process; exits on failure."""
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv[:3])}... failed ({proc.returncode}):\n{proc.stderr[:1500]}")
    return elapsed, proc.stdout, proc.stderr


def set_latency(url, ms):
    body = json.dumps({"latency_ms": ms}).encode()
    request = urllib.request.Request(url + "/_emulator/delays", data=body, method="PUT",
                                     headers={"content-type": "application/json"})
    urllib.request.urlopen(request).read()


def pairs(first, second, n):
    """`n` alternating runs of two commands: medians (ms) and the median of the ratios."""
    a, b = [], []
    for _ in range(n):
        a.append(first())
        b.append(second())
    ratio = statistics.median(x / y for x, y in zip(a, b))
    return statistics.median(a) * 1000, statistics.median(b) * 1000, ratio


def verdict(value, target):
    return "pass" if value <= target else "MISS"


class Rows:
    """The comparison table."""

    def __init__(self):
        self.rows = []

    def add(self, name, ours, theirs, ratio, target):
        self.rows.append((name, ours, theirs, ratio, target))

    def print(self):
        print(f"\n| {'comparison (medians, ms)':<62} | {'portico':>8} | {'other':>8} | {'ratio':>6} | {'target':>7} |      |")
        print(f"|{'-'*64}|{'-'*10}|{'-'*10}|{'-'*8}|{'-'*9}|------|")
        for name, ours, theirs, ratio, target in self.rows:
            print(f"| {name:<62} | {ours:8.1f} | {theirs:8.1f} | {ratio:5.2f}x | <={target:4.2f}x | {verdict(ratio, target):<4} |")


def op_call_vs_curl(rows, portico, env, url, tls_profile, ca, token_header, n):
    """Warm `op call WireguardgatewaysGet -o json` against curl, over HTTP and HTTPS."""
    call = [portico, "op", "call", "WireguardgatewaysGet", "-o", "json"]
    curl = ["curl", "-sf", "-o", "/dev/null", "-H", "@" + token_header]
    timed(call, env)
    http = pairs(lambda: timed(call, env)[0],
                 lambda: timed(curl + [url["http"] + "/wireguardgateways"], env)[0], n)
    rows.add(f"warm op call vs curl, HTTP ({n} pairs)", *http, 0.9)
    tls_env = dict(env, PORTICO_PROFILE=tls_profile)
    timed(call, tls_env)
    https = pairs(lambda: timed(call, tls_env)[0],
                  lambda: timed(curl + ["--cacert", ca, url["https"] + "/wireguardgateways"], env)[0], n)
    rows.add(f"warm op call vs curl --cacert, HTTPS ({n} pairs)", *https, 1.0)


def list_all(rows, portico, env, url, python, token, runs):
    """`gateway list --all` over 20 pages at 30 ms: at once, one by one, the IONOS Python SDK."""
    for i in range(20):
        timed([portico, "gateway", "create", "--kind", "wireguard", "--name", f"page-{i}",
               "--public-address", "203.0.113.1", "--network", "10.8.0.1/24", "--properties", PROPS,
               "--secret", "private-key=env:WG_KEY"], dict(env, WG_KEY="b" * 43 + "="))
    set_latency(url, 30)
    listing = [portico, "gateway", "list", "--kind", "wireguard", "--all", "--limit", "1", "-o", "json"]
    got = json.loads(timed(listing, env)[1])
    if len(got) < 20:
        sys.exit(f"expected 20 gateways, listed {len(got)}")
    sequential = dict(env, PORTICO_PAGE_CONCURRENCY="1")
    at_once = [timed(listing, env)[0] for _ in range(runs)]
    one_by_one = [timed(listing, sequential)[0] for _ in range(runs)]
    ours, seq = statistics.median(at_once) * 1000, statistics.median(one_by_one) * 1000
    rows.add("gateway list --all, 20 pages at 30 ms: at once vs one by one", ours, seq, ours / seq, 0.25)
    if python:
        script = os.path.join(os.path.dirname(__file__), "ionos_sdk_list.py")
        sdk_env = dict(env, IONOS_TOKEN=token, IONOS_API_URL=url)
        pages = int(timed([python, script], sdk_env)[1].strip().split()[1])
        sdk = [timed([python, script], sdk_env)[0] for _ in range(runs)]
        theirs = statistics.median(sdk) * 1000
        rows.add(f"gateway list --all vs ionoscloud-vpn SDK ({pages} pages, 30 ms)", ours, theirs,
                 ours / theirs, 1.0)
    set_latency(url, 0)


ROUTER = "04c0ffee-1234-4abc-8def-0123456789ab"


def all_profiles(rows, portico, env, url, runs, creds, adapters):
    """`gateway list` over five profiles, one per provider with gateways (IONOS twice: Soracom
    Napter has mappings, not gateways), against the slowest of the five alone, all at 30 ms.
    `creds` holds the emulator's SCP and UpCloud credentials; `adapters` the component paths."""
    timed([portico, "credential", "set", "bench-scp", "--field", "access-key", "--field", "secret-key"],
          env, stdin=f"{creds['scp_access']}\n{creds['scp_secret']}\n")
    timed([portico, "credential", "set", "bench-up", "--field", "username", "--field", "password"],
          env, stdin=f"{creds['up_user']}\n{creds['up_password']}\n")
    for name in ("scp_vpn", "upcloud_gateway"):
        timed([portico, "adapter", "install", adapters[name], "--yes"], env)
    profiles = {
        "multi-ionos": ["--adapter", "ionos-vpn", "--credential", "bench"],
        "multi-ionos-txl": ["--adapter", "ionos-vpn", "--credential", "bench", "--set", "region=de-txl"],
        "multi-sora": ["--adapter", "soracom-vpg", "--credential", "sora"],
        "multi-scp": ["--adapter", "scp-vpn", "--credential", "bench-scp", "--set", "region=kr-west1",
                      "--set", "environment=s"],
        "multi-up": ["--adapter", "upcloud-gateway", "--credential", "bench-up", "--set", "zone=pl-waw1"],
    }
    for name, args in profiles.items():
        timed([portico, "profile", "add", name] + args + ["--set", f"endpoint={url}"], env)
    timed([portico, "-p", "multi-scp", "gateway", "create", "--kind", "ipsec", "--name", "benchgw",
           "--public-address", "123.0.0.9", "--properties",
           '{"vpc_id":"ceb44ea5ecb34a49b16495f9a63b0718","ip_id":"fcde872f75c145a0893d656cc698f109"}'], env)
    timed([portico, "-p", "multi-up", "gateway", "create", "--kind", "vpn", "--name", "bench-edge",
           "--properties", '{"routers":[{"uuid":"%s"}],"plan":"advanced","addresses":[{"name":"vpn-ip"}]}'
           % ROUTER], env)
    set_latency(url, 30)
    everything = [portico, "gateway", "list", "-o", "json"]
    for name in profiles:
        everything += ["-p", name]
    timed(everything, env)
    both = [timed(everything, env)[0] for _ in range(runs)]
    single = max(statistics.median(timed([portico, "-p", name, "gateway", "list", "-o", "json"], env)[0]
                                   for _ in range(runs)) for name in profiles)
    ours = statistics.median(both) * 1000
    rows.add("gateway list over 5 profiles (4 providers) vs the slowest alone (30 ms)", ours,
             single * 1000, ours / (single * 1000), 1.2)
    set_latency(url, 0)


def apply_vs_native(rows, portico, native, env, url, token, peers):
    """`apply` of a WireGuard gateway with `peers` peers at --concurrency 16 against the native
    reqwest baseline making the same peer creates, both at 30 ms."""
    work = env["PORTICO_HOME"]
    key = "c" * 43 + "="
    lines = ["profiles:", "  bench:", "    gateways:", "      - name: applied", "        kind: wireguard",
             "        public-address: 203.0.113.9", "        networks: [10.8.0.1/24]",
             f"        properties: {PROPS}", "        secrets: {private-key: env:WG_KEY}", "        peers:"]
    for i in range(peers):
        lines.append(f'          - {{name: p{i}, public-key: "{i:0>43}=", '
                     f"allowed-networks: [10.9.{i // 250}.{i % 250 + 1}/32]}}")
    topology = os.path.join(work, "topology.yaml")
    with open(topology, "w") as f:
        f.write("\n".join(lines) + "\n")
    _, out, _ = timed([portico, "gateway", "create", "--kind", "wireguard", "--name", "native",
                       "--public-address", "203.0.113.8", "--network", "10.8.0.1/24", "--properties",
                       PROPS, "--secret", "private-key=env:WG_KEY", "-o", "json"], dict(env, WG_KEY=key))
    gateway = json.loads(out)["id"]
    set_latency(url, 30)
    ours = timed([portico, "apply", "-f", topology, "--yes", "--concurrency", "16"],
                 dict(env, WG_KEY=key))[0] * 1000
    _, out, _ = timed([native, url, "BENCH_TOKEN", gateway, str(peers), "16"], dict(env, BENCH_TOKEN=token))
    theirs = float(out.strip().split()[0])
    # The target is 0.9x the native throughput, i.e. at most 1/0.9 = 1.11x its time.
    rows.add(f"apply, gateway + {peers} peers at --concurrency 16 vs native reqwest (30 ms)",
             ours, theirs, ours / theirs, 1 / 0.9)
    set_latency(url, 0)
