#!/usr/bin/env python3
"""Measure text repair on damage made from the evaluation sets' clean text.

The shared broken-text set (../shared/eval/mojibake/dev.jsonl, scored by score_repair.py) has
30 lines a kind. These checks make thousands more from the dev sets' own clean text, each
split into halves A and B by a hash of the site (as benches/eval.py splits them):

  lossy    Vietnamese article paragraphs of vi-dev and vi-dev2, their letters lost as an ASCII,
           ISO-8859-1 or windows-1252-read-as-UTF-8 conversion loses them: token accuracy and
           lines exactly right.
  restore  the same paragraphs with their marks stripped, through `vnnews restore`:
           syllables restored exactly.
  other    clean non-Vietnamese text (traf-dev snippets, sh-dev paragraphs) and its mojibake
           of ten kinds (UTF-8 read through windows-1252 once to three times, ISO-8859-1,
           Mac OS Roman, IBM437, windows-1250, a lost no-break space, half a line):
           clean lines changed and damaged lines given back exactly.

Usage: benches/repair_eval.py lossy|restore|other [--bin 'CMD'] [--ftfy PYTHON] [--show]
  --bin    the repairer (default: target/release/vnnews repair, or restore for `restore`)
  --ftfy   with `other`, also run ftfy's fix_encoding under this Python (ftfy installed)
  --show   print each miss
"""

import argparse
import collections
import glob
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVAL = os.path.normpath(os.path.join(ROOT, "..", "shared", "eval"))


def half(site):
    site = (site or "").removeprefix("www.")
    return "A" if hashlib.sha1(("f" + site).encode()).digest()[0] % 2 == 0 else "B"


def run(cmd, lines):
    data = "".join(line + "\n" for line in lines).encode()
    out = subprocess.run(cmd, input=data, capture_output=True, check=True).stdout.decode()
    return out.split("\n")[: len(lines)]


def vietnamese_paragraphs():
    out = []
    for name in ["vi-dev", "vi-dev2"]:
        for path in sorted(glob.glob(os.path.join(EVAL, name, "*.expected.json"))):
            e = json.load(open(path))
            if not e.get("is_article", True):
                continue
            body = e["body"] if isinstance(e["body"], list) else e["body"].split("\n\n")
            for para in body:
                para = " ".join(para.split())
                if len(para) > 20:
                    out.append((name, half(e.get("site")), para))
    return out


def strip_marks(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("đ", "d").replace("Đ", "D")


LOSSY = {
    "ascii": lambda s: s.encode("ascii", "replace").decode("ascii"),
    "latin1": lambda s: s.encode("latin-1", "replace").decode("latin-1"),
    "cp1252-utf8": lambda s: s.encode("cp1252", "replace").decode("utf-8", "replace"),
}


def lossy(args):
    cmd = shlex.split(args.bin or "target/release/vnnews repair")
    paras = vietnamese_paragraphs()
    for kind, damage in LOSSY.items():
        cases = [(s, h, p, damage(p)) for s, h, p in paras if damage(p) != p]
        outs = run(cmd, [c[3] for c in cases])
        per = collections.defaultdict(lambda: [0, 0, 0, 0])  # tokens, right, lines, exact
        for (s, h, gold, broken), got in zip(cases, outs):
            g, r = gold.split(" "), got.split(" ")
            row = per[(s, h)]
            row[0] += len(g)
            row[2] += 1
            row[3] += got == gold
            if len(g) == len(r):
                row[1] += sum(a == b for a, b in zip(g, r))
            if args.show:
                b = broken.split(" ")
                for i, (a, x) in enumerate(zip(g, r)):
                    if a != x and len(g) == len(r):
                        print(f"{kind} {s}/{h} {b[i]!r} want {a!r} got {x!r} | {' '.join(g[max(0, i - 2):i + 3])}")
        tot = [sum(v[i] for v in per.values()) for i in range(4)]
        cells = "  ".join(f"{s}/{h} {v[1] / v[0]:.4f} {v[3] / v[2]:.2f}" for (s, h), v in sorted(per.items()))
        print(f"{kind:12} lines={tot[2]} token_acc={tot[1] / tot[0]:.4f} exact={tot[3] / tot[2]:.3f}  {cells}")


def restore(args):
    cmd = shlex.split(args.bin or "target/release/vnnews restore")
    paras = vietnamese_paragraphs()
    outs = run(cmd, [strip_marks(p) for _, _, p in paras])
    per = collections.defaultdict(lambda: [0, 0])
    misses = collections.Counter()
    for (s, h, gold), got in zip(paras, outs):
        g, r = re.findall(r"\w+", gold), re.findall(r"\w+", got)
        if len(g) != len(r):
            continue
        for a, b in zip(g, r):
            per[(s, h)][0] += 1
            per[(s, h)][1] += a == b
            if a != b:
                misses[(a, b)] += 1
    n, ok = sum(v[0] for v in per.values()), sum(v[1] for v in per.values())
    print(f"syllables={n} accuracy={ok / n:.4f}  " + "  ".join(f"{s}/{h} {v[1] / v[0]:.4f}" for (s, h), v in sorted(per.items())))
    if args.show:
        print(misses.most_common(40))


def sloppy_1252(b):
    return "".join(chr(x) if x in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([x]).decode("cp1252") for x in b)


def through(codec):
    def damage(s):
        try:
            return s.encode("utf-8").decode(codec)
        except UnicodeDecodeError:
            return None

    return damage


def layer(s):
    return sloppy_1252(s.encode("utf-8"))


def half_line(s):
    w = s.split(" ")
    return " ".join(w[: len(w) // 2]) + " " + layer(" ".join(w[len(w) // 2:]))


OTHER = {
    "utf8-as-cp1252": through("cp1252"),
    "utf8-as-latin1": through("latin-1"),
    "sloppy-cp1252": layer,
    "two-layers-cp1252": lambda s: layer(layer(s)),
    "three-layers-cp1252": lambda s: layer(layer(layer(s))),
    "nbsp-lost": lambda s: layer(s).replace("\xa0", " "),
    "utf8-as-mac-roman": through("mac_roman"),
    "utf8-as-cp437": through("cp437"),
    "utf8-as-cp1250": through("cp1250"),
    "half-damaged": half_line,
}


def other_texts():
    texts = []
    snippets = json.load(open(os.path.join(EVAL, "traf-dev", "snippets.json")))
    for v in snippets.values():
        for s in v.get("with", []):
            s = " ".join(s.split())
            if len(s) >= 20 and any(ord(c) > 127 for c in s):
                texts.append((v.get("site", ""), s))
    for path in sorted(glob.glob(os.path.join(EVAL, "sh-dev", "*.expected.json"))):
        e = json.load(open(path))
        body = e.get("body") or ""
        body = body if isinstance(body, str) else "\n".join(body)
        for para in body.split("\n"):
            para = " ".join(para.split())
            if len(para) >= 20 and any(ord(c) > 127 for c in para):
                texts.append((e.get("site", ""), para[:400]))
    return texts


def other(args):
    texts = other_texts()
    tools = {"vnnews": shlex.split(args.bin or "target/release/vnnews repair")}
    if args.ftfy:
        code = 'import sys, ftfy\nfor l in sys.stdin.read().split("\\n")[:-1]: print(ftfy.fix_encoding(l))'
        tools["ftfy"] = [args.ftfy, "-c", code]
    for name, cmd in tools.items():
        clean = [t for _, t in texts]
        changed = sum(o != c for o, c in zip(run(cmd, clean), clean))
        print(f"{name}: clean lines changed {changed}/{len(clean)}")
        for kind, damage in OTHER.items():
            cases = [(s, c, damage(c)) for s, c in texts]
            cases = [(s, c, b) for s, c, b in cases if b and b != c and "\n" not in b]
            per = collections.Counter()
            for (s, c, b), r in zip(cases, run(cmd, [b for _, _, b in cases])):
                per[(half(s), "n")] += 1
                per[(half(s), "ok")] += r == c
                if args.show and r != c:
                    print(f"  {kind} {b[:80]!r} -> {r[:80]!r}")
            ok = per[("A", "ok")] + per[("B", "ok")]
            print(
                f"  {kind:20} fixed {ok}/{len(cases)} = {ok / len(cases):.3f}"
                f"  A {per[('A', 'ok')]}/{per[('A', 'n')]}  B {per[('B', 'ok')]}/{per[('B', 'n')]}"
            )


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["lossy", "restore", "other"])
    p.add_argument("--bin")
    p.add_argument("--ftfy")
    p.add_argument("--show", action="store_true")
    args = p.parse_args()
    os.chdir(ROOT)
    {"lossy": lossy, "restore": restore, "other": other}[args.what](args)


if __name__ == "__main__":
    sys.exit(main())
