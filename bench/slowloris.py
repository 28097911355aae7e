#!/usr/bin/env python3
"""Slowloris against a running `dlsec serve` on loopback (issue #25, finding 3).

N slow clients each hold a connection that sends a request line and then one header byte per
second (or, for every other client, complete POST headers and then one body byte per second), and
reconnect whenever the server closes them. Meanwhile a probe sends GET /v1/health every 0.25 s on a
fresh connection with a 5 s timeout. Prints one JSON line: probes, failures, latency median/p99/max.
Loopback only; bounded in time (--seconds).
"""
import argparse
import json
import socket
import threading
import time


def probe(host, port, timeout):
    t0 = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            line = s.makefile("rb").readline()
            if not line.startswith(b"HTTP/1.1 200"):
                return None
    except OSError:
        return None
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    assert args.host.startswith("127.") or args.host in ("localhost", "::1"), "loopback only"
    heads = b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
    body = (b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n")
    socks = [None] * args.clients
    reconnects = 0
    stop = time.monotonic() + args.seconds
    latencies, failures = [], 0

    def probes():
        nonlocal failures
        time.sleep(1.0)
        while time.monotonic() < stop:
            t = probe(args.host, args.port, 5.0)
            if t is None:
                failures += 1
            else:
                latencies.append(t)
            time.sleep(0.25)

    th = threading.Thread(target=probes)
    th.start()
    while time.monotonic() < stop:
        for i in range(args.clients):
            try:
                if socks[i] is None:
                    s = socket.create_connection((args.host, args.port), timeout=2)
                    s.sendall(heads if i % 2 == 0 else body)
                    socks[i] = s
                    reconnects += 1
                socks[i].sendall(b"a" if i % 2 == 0 else b"0")
            except OSError:
                if socks[i] is not None:
                    socks[i].close()
                socks[i] = None
        time.sleep(1.0)
    th.join()
    for s in socks:
        if s is not None:
            s.close()
    lat = sorted(latencies)
    pick = lambda q: round(1000 * lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else None
    print(json.dumps({"clients": args.clients, "seconds": args.seconds, "probes": len(lat) + failures,
                      "failed": failures, "medianMs": pick(0.5), "p99Ms": pick(0.99),
                      "maxMs": round(1000 * lat[-1], 1) if lat else None, "connections": reconnects}))


if __name__ == "__main__":
    main()
