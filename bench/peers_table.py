"""The table of bench/peers.sh from its results.jsonl: python3 bench/peers_table.py RESULTS.jsonl"""
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["row"], {}).setdefault(r["tool"], []).append(r)
print("seconds: the attack (median); cpu: user + system seconds of the whole process, start-up included (median)")
print(f"{'attack':16} {'tool':6} {'n':>2} {'seconds':>8} {'cpu':>7} {'robust':>7} {'mean L2':>8} {'queries':>8} "
      f"{'dlsec/tool':>10} {'(cpu)':>6}")
for name, tools in rows.items():
    med = {t: statistics.median(x["seconds"] for x in v) for t, v in tools.items()}
    cpu = {t: statistics.median(x.get("cpu", float("nan")) for x in v) for t, v in tools.items()}
    peers = [t for t in med if t not in ("dlsec", "before")]
    for t, v in tools.items():
        q = v[-1].get("queries")
        ratio = "" if t == "dlsec" else f"{med['dlsec'] / med[t]:.2f}"
        cratio = "" if t == "dlsec" else f"{cpu['dlsec'] / cpu[t]:.2f}"
        print(f"{name:16} {t:6} {len(v):>2} {med[t]:>8.2f} {cpu[t]:>7.1f} {statistics.median(x['robust'] for x in v):>7.3f} "
              f"{statistics.median(float(x['l2']) for x in v):>8.3f} {'' if q is None else f'{q:.0f}':>8} {ratio:>10} {cratio:>6}")
    if peers:
        fastest = min(peers, key=med.get)
        line = f"{name:16} dlsec / fastest peer ({fastest}): {med['dlsec'] / med[fastest]:.2f} (attack seconds)"
        same = [x["seconds"] + x["evalSeconds"] for x in tools[fastest] if x.get("evalSeconds") is not None]
        if same:
            # dlsec's seconds include its clean and adversarial predictions; the peer's attack call does not
            line += f"; {med['dlsec'] / statistics.median(same):.2f} for the same work (the peer's clean and adversarial predictions added)"
        print(line)
