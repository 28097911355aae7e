"""Side-by-side table of a dlsec BFA run (`dlsec fault --mode bfa --json`) and bench/bfa_reference.py's.

    python3 bench/bfa_compare.py DLSEC.json REFERENCE.json

One row per flip: layer tensor, flat index, bit, code before -> after, batch loss and accuracy after the
flip, for each side; '=' when both chose the same bit (same quantised layer number, flat index and bit:
tensor names may differ, e.g. a dlsec directory against its TorchScript rebuild). Then the first step
where they part, if any.
"""
import json, sys

d, r = (json.load(open(p)) for p in sys.argv[1:3])
df, rf = d.get("bitFlips", []), r.get("flips", [])
print(f"int8 accuracy: dlsec {100 * d['int8Accuracy']:.2f}%  reference {100 * r['int8Accuracy']:.2f}%")
hdr = f"{'#':>3} | {'dlsec':<32} {'loss':>9} {'acc':>7} | {'reference':<32} {'loss':>9} {'acc':>7} |"
print(hdr)
print("-" * len(hdr))


def cell(f):
    return f"{f['tensor']}[{f['index']}] b{f['bit']} {f['before']}->{f['after']}"


first = None
for k in range(max(len(df), len(rf))):
    a = df[k] if k < len(df) else None
    b = rf[k] if k < len(rf) else None
    same = a is not None and b is not None and (a["layer"], a["index"], a["bit"]) == (b["layer"], b["index"], b["bit"])
    if not same and first is None:
        first = k + 1
    left = f"{cell(a):<32} {a['loss']:9.5f} {100 * a['accuracy']:6.2f}%" if a else " " * 50
    right = f"{cell(b):<32} {b['loss']:9.5f} {100 * b['accuracy']:6.2f}%" if b else " " * 50
    print(f"{k + 1:>3} | {left} | {right} | {'=' if same else ''}")
print(f"final: dlsec {100 * d['accuracy'][-1]:.2f}% after {len(df)} flips (stop after {d['flipsToStop']});"
      f" reference {100 * r['curve'][-1]:.2f}% after {len(rf)} flips (stop after {r['flipsToStop']})")
print("identical flip sequence" if first is None else f"first different flip: {first}")
