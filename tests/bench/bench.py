#!/usr/bin/env python3
"""portico benchmark: prints a table of timings and peak memory for common commands.

Runs the release build (`--build debug` for the debug one) against the bundled emulator on
127.0.0.1, over HTTP and, for the curl comparison, HTTPS (`--tls`). Standard library only; the
IONOS Python SDK row runs `ionoscloud-vpn` from the venv `just bench` makes
(target/toolchains/bench-python, pins in tests/bench/requirements.txt) and is skipped without it.

    just bench            # or: python3 tests/bench/bench.py [--runs N] [--build debug]
"""
import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import compare

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, "target", "release")
POLYGLOT = os.path.join(ROOT, "target", "polyglot")
SDK_PYTHON = os.path.join(ROOT, "target", "toolchains", "bench-python", "bin", "python")
ADAPTER = os.path.join(ROOT, "adapters", "target", "wasm32-wasip2", "release", "portico_adapter_ionos_vpn.wasm")


def run(args, env, stdin=None):
    """Runs portico, returns (seconds, stdout, stderr); exits on failure."""
    start = time.perf_counter()
    proc = subprocess.Popen([os.path.join(BIN, "portico")] + args, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(stdin)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"portico {' '.join(args)} failed ({proc.returncode}):\n{err}")
    return elapsed, out, err


def rss_of(args, env):
    """Peak RSS (MiB) of one run, measured with wait4 on the child."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.execve(os.path.join(BIN, "portico"), ["portico"] + args, env)
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"portico {' '.join(args)} failed")
    return usage.ru_maxrss / 1024


def millis(pattern, text):
    m = re.search(pattern, text)
    if not m:
        return None
    value, unit = float(m.group(1)), m.group(2)
    return value * {"s": 1000, "ms": 1, "µs": 0.001, "us": 0.001, "ns": 0.000001}[unit]


def summary(samples):
    samples = sorted(samples)
    p90 = samples[min(len(samples) - 1, int(len(samples) * 0.9))]
    return f"{samples[0]*1000:8.1f} {statistics.median(samples)*1000:8.1f} {p90*1000:8.1f}"


def polyglot_rows(env):
    """Size, cold compile and cached load of the Python and JavaScript Napter components."""
    for name in ("soracom_napter_py", "soracom_napter_js"):
        path = os.path.join(POLYGLOT, f"portico_adapter_{name}.wasm")
        if not os.path.exists(path):
            print(f"({name}: not built; the integration tests build it into target/polyglot)")
            continue
        home = tempfile.mkdtemp(prefix="portico-bench-polyglot-")
        penv = dict(env, PORTICO_HOME=home)
        _, out, err = run(["adapter", "install", path, "--yes"], penv)
        adapter = re.search(r"^adapter (\S+)", out + err, re.M).group(1)
        cold, warm = [], []
        for _ in range(3):
            shutil.rmtree(os.path.join(home, "cache"), ignore_errors=True)
            _, _, err = run(["adapter", "inspect", adapter, "-vv"], penv)
            cold.append(millis(r"compiled adapter in ([\d.]+)(ms|s|µs|us)", err))
        for _ in range(5):
            _, _, err = run(["adapter", "inspect", adapter, "-vv"], penv)
            warm.append(millis(r"loaded adapter from compile cache in ([\d.]+)(ms|s|µs|us)", err))
        shutil.rmtree(home, ignore_errors=True)
        size = os.path.getsize(path) / 1024 / 1024
        cold = [c for c in cold if c is not None]
        warm = [w for w in warm if w is not None]
        print(f"{name.replace('_', '-')}: component {size:.1f} MiB, cold compile "
              f"{statistics.median(cold) if cold else float('nan'):.0f} ms, cached load "
              f"{statistics.median(warm) if warm else float('nan'):.1f} ms")


def registry_row(env, runs):
    """Cold `adapter install oci://` of the IONOS adapter, pushed once to a docker-registry on a
    free loopback port: each run in a new home, so nothing is cached (not the component, not its
    compilation). None, with a note, when docker-registry is not installed."""
    binary = shutil.which("docker-registry")
    if binary is None:
        print("(no registry row: docker-registry is not installed; `just setup` installs it)")
        return None
    work = tempfile.mkdtemp(prefix="portico-bench-registry-")
    config = os.path.join(work, "config.yml")
    with open(config, "w") as f:
        f.write("version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\n"
                f"storage:\n  filesystem:\n    rootdirectory: {work}/data\n"
                f"http:\n  addr: 127.0.0.1:0\n  secret: {secrets.token_hex(16)}\n")
    registry = subprocess.Popen([binary, "serve", config], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        host = None
        for line in registry.stderr:
            m = re.search(r"listening on (127\.0\.0\.1:\d+)", line)
            if m:
                host = m.group(1)
                break
        if host is None:
            sys.exit("docker-registry did not start")
        # Keep reading its log so it never blocks on a full pipe.
        threading.Thread(target=registry.stderr.read, daemon=True).start()
        _, out, _ = run(["adapter", "list", "-o", "json"], env)
        version = next(a["version"] for a in json.loads(out) if a["name"] == "ionos-vpn")
        reference = f"{host}/bench/ionos-vpn:{version}"
        run(["adapter", "publish", ADAPTER, reference], env)
        samples = []
        for _ in range(runs):
            home = tempfile.mkdtemp(prefix="portico-bench-registry-home-", dir=work)
            t, _, _ = run(["adapter", "install", f"oci://{reference}", "--yes"],
                          dict(env, PORTICO_HOME=home))
            samples.append(t)
            shutil.rmtree(home, ignore_errors=True)
        return ("install from registry (cold: new home, no cache) (wall)", summary(samples))
    finally:
        registry.terminate()
        registry.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--peers", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=30)
    parser.add_argument("--apply-peers", type=int, default=1000)
    parser.add_argument("--build", choices=["release", "debug"], default="release")
    args = parser.parse_args()
    global BIN
    BIN = os.path.join(ROOT, "target", args.build)
    for path in (os.path.join(BIN, "portico"), os.path.join(BIN, "portico-emulator"), ADAPTER):
        if not os.path.exists(path):
            sys.exit(f"missing {path}: run `just build adapters` first")
    work = tempfile.mkdtemp(prefix="portico-bench-")
    token = secrets.token_hex(16)
    soracom_id, soracom_key = "keyId-" + secrets.token_hex(8), "secret-" + secrets.token_hex(16)
    creds = {"scp_access": secrets.token_hex(16), "scp_secret": secrets.token_hex(32),
             "up_user": "bench-" + secrets.token_hex(4), "up_password": secrets.token_hex(16)}
    common = [os.path.join(BIN, "portico-emulator"), "--listen", "127.0.0.1:0", "--ionos-token", token,
              "--soracom-auth-key-id", soracom_id, "--soracom-auth-key", soracom_key,
              "--scp-access-key", creds["scp_access"], "--scp-secret-key", creds["scp_secret"],
              "--upcloud-username", creds["up_user"], "--upcloud-password", creds["up_password"],
              "--provision-delay", "0s", "--delete-delay", "0s"]
    ca = os.path.join(work, "emulator-ca.pem")
    emulator = subprocess.Popen(common, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    tls_emulator = subprocess.Popen(common + ["--tls", "--tls-ca-out", ca], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
    try:
        url = emulator.stdout.readline().strip().removeprefix("listening on ")
        tls_url = tls_emulator.stdout.readline().strip().removeprefix("listening on ")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTICO_")}
        env.update(PORTICO_HOME=os.path.join(work, "home"), PORTICO_PROFILE="bench")
        run(["credential", "set", "bench"], env, stdin=token + "\n")
        run(["adapter", "install", ADAPTER, "--yes"], env)
        run(["profile", "add", "bench", "--adapter", "ionos-vpn", "--credential", "bench",
             "--set", f"endpoint={url}"], env)
        dc = "5a029f4a-58ba-11ee-8c99-0242ac120002"
        props = '{"connections":[{"datacenterId":"%s","lanId":"1","ipv4CIDR":"192.168.1.10/24"}]}' % dc
        env_key = dict(env, WG_KEY="b" * 43 + "=")
        _, out, _ = run(["gateway", "create", "--kind", "wireguard", "--name", "bench", "--public-address",
                         "203.0.113.1", "--network", "10.8.0.1/24", "--properties", props,
                         "--secret", "private-key=env:WG_KEY", "-o", "json"], env_key)
        gateway = re.search(r'"id": "([^"]+)"', out).group(1)
        for i in range(args.peers):
            run(["op", "call", "WireguardgatewaysPeersPost", "--param", f"gatewayId={gateway}", "--body",
                 '{"properties":{"name":"p%d","publicKey":"%s","allowedIPs":["10.9.%d.%d/32"]}}'
                 % (i, "k" * 43 + "=", i // 250, i % 250 + 1)], env)

        rows = []
        cache = os.path.join(work, "home", "cache")
        cold = []
        for _ in range(3):
            shutil.rmtree(cache, ignore_errors=True)
            t, _, err = run(["gateway", "list", "-vv"], env)
            cold.append((t, millis(r"compiled adapter in ([\d.]+)(ms|s|µs|us)", err)))
        rows.append(("gateway list, cold compile cache (wall)", summary([c[0] for c in cold])))
        compile_ms = [c[1] for c in cold if c[1] is not None]
        warm, load_ms = [], []
        for _ in range(args.runs):
            t, _, err = run(["gateway", "list", "-vv"], env)
            warm.append(t)
            ms = millis(r"loaded adapter from compile cache in ([\d.]+)(ms|s|µs|us)", err)
            if ms is not None:
                load_ms.append(ms)
        rows.append(("gateway list, warm cache (wall)", summary(warm)))
        pages = [run(["peer", "list", "--gateway", gateway, "--all", "--limit", "10", "-o", "json"], env)[0]
                 for _ in range(max(3, args.runs // 4))]
        rows.append((f"peer list --all, {args.peers} peers in pages of 10 (wall)", summary(pages)))
        one = [run(["peer", "list", "--gateway", gateway, "-o", "json"], env)[0] for _ in range(args.runs)]
        rows.append((f"peer list, one page of {args.peers} (wall)", summary(one)))
        registry = registry_row(env, max(3, args.runs // 4))
        if registry is not None:
            rows.append(registry)

        # Soracom: a command with a cached session against one that makes the token exchange.
        soracom = os.path.join(os.path.dirname(ADAPTER), "portico_adapter_soracom_vpg.wasm")
        if os.path.exists(soracom):
            run(["credential", "set", "sora", "--field", "auth-key-id", "--field", "auth-key"], env,
                stdin=f"{soracom_id}\n{soracom_key}\n")
            run(["adapter", "install", soracom, "--yes"], env)
            run(["profile", "add", "sora", "--adapter", "soracom-vpg", "--credential", "sora",
                 "--set", f"endpoint={url}"], env)
            senv = dict(env, PORTICO_PROFILE="sora")
            run(["gateway", "create", "--name", "bench"], senv)
            sessions = os.path.join(work, "home", "cache", "sessions")
            cached = [run(["gateway", "list"], senv)[0] for _ in range(args.runs)]
            fresh = []
            for _ in range(args.runs):
                shutil.rmtree(sessions, ignore_errors=True)
                fresh.append(run(["gateway", "list"], senv)[0])
            rows.append(("soracom gateway list, cached session (wall)", summary(cached)))
            rows.append(("soracom gateway list, with token exchange (wall)", summary(fresh)))

        print(f"\nportico bench ({args.runs} runs; times in ms: min / median / p90)\n")
        print(f"| {'measurement':<55} | {'min':>8} {'median':>8} {'p90':>8} |")
        print(f"|{'-'*57}|{'-'*28}|")
        for name, cells in rows:
            print(f"| {name:<55} | {cells} |")
        if compile_ms:
            print(f"| {'adapter compile (Cranelift), from -vv':<55} | {min(compile_ms):8.1f} {statistics.median(compile_ms):8.1f} {max(compile_ms):8.1f} |")
        if load_ms:
            print(f"| {'adapter load from compile cache, from -vv':<55} | {min(load_ms):8.1f} {statistics.median(load_ms):8.1f} {max(load_ms):8.1f} |")
        rss = [rss_of(["gateway", "list"], env) for _ in range(5)]
        print(f"\npeak RSS of `portico gateway list` (warm cache): {max(rss):.1f} MiB")
        rss = max(rss_of(["op", "call", "WireguardgatewaysGet", "-o", "json"], env) for _ in range(5))
        print(f"peak RSS of a warm `op call WireguardgatewaysGet -o json`: {rss:.1f} MiB "
              f"(target <= 16 MiB: {compare.verdict(rss, 16)})")
        polyglot_rows(env)

        rows = compare.Rows()
        portico = os.path.join(BIN, "portico")
        header = os.path.join(work, "curl-header")
        with open(header, "w") as f:
            f.write(f"Authorization: Bearer {token}\n")
        run(["profile", "add", "benchtls", "--adapter", "ionos-vpn", "--credential", "bench",
             "--set", f"endpoint={tls_url}", "--ca-file", ca], env)
        compare.op_call_vs_curl(rows, portico, env, {"http": url, "https": tls_url}, "benchtls", ca,
                                header, args.pairs)
        python = SDK_PYTHON if os.path.exists(SDK_PYTHON) else None
        compare.list_all(rows, portico, env, url, python, token, max(5, args.runs // 4))
        components = os.path.dirname(ADAPTER)
        adapters = {name: os.path.join(components, f"portico_adapter_{name}.wasm")
                    for name in ("scp_vpn", "upcloud_gateway")}
        if "sora" in run(["profile", "list"], env)[1]:
            compare.all_profiles(rows, portico, env, url, max(5, args.runs // 4), creds, adapters)
        else:
            print("(no multi-profile row: the Soracom adapter is not built)")
        native = os.path.join(BIN, "examples", "native-peers")
        if os.path.exists(native):
            compare.apply_vs_native(rows, portico, native, env, url, token, args.apply_peers)
        rows.print()
        if python is None:
            print("(no IONOS Python SDK row: `just bench` installs it into target/toolchains/bench-python)")
        for component in sorted(os.listdir(os.path.dirname(ADAPTER))):
            if component.startswith("portico_adapter_") and component.endswith(".wasm"):
                size = os.path.getsize(os.path.join(os.path.dirname(ADAPTER), component)) / 1024
                name = component.removeprefix("portico_adapter_").removesuffix(".wasm").replace("_", "-")
                print(f"{name} component size: {size:.0f} KiB")
    finally:
        for process in (emulator, tls_emulator):
            process.terminate()
            process.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
