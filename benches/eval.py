#!/usr/bin/env python3
"""Every evaluation set at once, with split-half figures, and what changed between two builds.

usage:
  benches/eval.py run LABEL [--bin target/release/vnnews] [--jobs 2] [--sets vi-dev,...]
      runs `BIN extract --url URL PAGE` on every page of every set in ../shared/eval and keeps
      each output in /tmp/vnnews-eval/LABEL/SET/PAGE.json (a peer command works too:
      --bin '/tmp/peers/bin/python3 ../shared/eval/peers/trafilatura_extract.py').
  benches/eval.py score LABEL [LABEL...]
      scores the kept outputs with the shared scorers' own functions: one row per set and per
      half of its sites (halves by a hash of the site name: A to tune on, B to confirm on).
  benches/eval.py diff OLD NEW [--set SET]
      the pages whose page type, title, published, authors or body score changed.

The evaluation data is read where it lies and never copied into the project.
"""
import concurrent.futures as cf, glob, hashlib, importlib.util, json, os, shlex, subprocess, sys, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVAL = os.path.normpath(os.path.join(ROOT, "..", "shared", "eval"))
OUT = "/tmp/vnnews-eval"
SETS = ["vi-dev", "vi-dev2", "vi-legacy-dev", "sh-dev", "traf-dev"]


def scorer(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(EVAL, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def pages(set_name):
    """(page name, path, url, site, expectation) for every page of a set."""
    d = os.path.join(EVAL, set_name)
    if set_name == "traf-dev":
        items = json.load(open(os.path.join(d, "snippets.json"), encoding="utf-8"))
        for n in sorted(items):
            it = items[n]
            yield n, os.path.join(d, "pages", n), it["url"], it["site"], it
        return
    for p in sorted(glob.glob(os.path.join(d, "*.html*"))):
        if p.endswith(".json"):
            continue
        exp = json.load(open(p + ".expected.json", encoding="utf-8"))
        site = exp.get("site") or urllib.parse.urlsplit(exp.get("url") or "").hostname or os.path.basename(p)
        yield os.path.basename(p), p, exp.get("url") or "", site, exp


def half(site):
    """A or B by a hash of the host without `www.` (the salt `f` gives every set two halves
    of about equal size, articles and other pages on both sides)."""
    site = site.removeprefix("www.")
    return "A" if hashlib.sha1(("f" + site).encode()).digest()[0] % 2 == 0 else "B"


def run(label, binary, jobs, sets):
    cmd = shlex.split(binary)
    todo = []
    for s in sets:
        os.makedirs(os.path.join(OUT, label, s), exist_ok=True)
        for name, path, url, _, _ in pages(s):
            todo.append((os.path.join(OUT, label, s, name + ".json"), path, url))

    def one(t):
        out, path, url = t
        p = subprocess.run(cmd + ["--url", url, path], capture_output=True, cwd=ROOT)
        text = p.stdout.decode("utf-8", "replace") if p.returncode == 0 else "{}"
        with open(out, "w", encoding="utf-8") as f:
            f.write(text.strip().splitlines()[0] if text.strip() else "{}")
        return p.returncode

    with cf.ThreadPoolExecutor(jobs) as ex:
        codes = list(ex.map(one, todo))
    print(f"{label}: {len(todo)} pages, {sum(c != 0 for c in codes)} non-zero exits")


def load(label, s, name):
    try:
        return json.load(open(os.path.join(OUT, label, s, name + ".json"), encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def score_set(label, s, keep=lambda site: True):
    se, sn = scorer("score_extract"), scorer("score_snippets")
    if s == "traf-dev":
        tp = fp = fn = 0
        n = not_article = 0
        for name, _, _, site, it in pages(s):
            if not keep(site):
                continue
            n += 1
            out = load(label, s, name)
            not_article += out.get("page_type", "article") != "article"
            text = sn.norm(out.get("body"))
            t = sum(sn.norm(w) in text for w in it["with"]) if text else 0
            f = sum(sn.norm(w) in text for w in it["without"]) if text else 0
            tp, fp, fn = tp + t, fp + f, fn + len(it["with"]) - t
        P = tp / (tp + fp) if tp + fp else 0.0
        R = tp / (tp + fn) if tp + fn else 0.0
        return {"pages": n, "P": P, "R": R, "F1": 2 * P * R / (P + R) if P + R else 0.0, "not_art": not_article / max(1, n)}
    arts, lst, acc = [], [], {"title": [], "date": [], "day": [], "authors": []}
    not_article = 0
    for name, _, _, site, exp in pages(s):
        if not keep(site):
            continue
        out = load(label, s, name)
        if not exp.get("is_article", True):
            lst.append(out.get("page_type") in ("listing", "other"))
            continue
        gold = exp["body"] if isinstance(exp["body"], str) else "\n\n".join(exp["body"])
        arts.append(se.prf(out.get("body") or "", gold))
        not_article += out.get("page_type", "article") != "article"
        if exp.get("title"):
            acc["title"].append(se.norm(out.get("title")) == se.norm(exp.get("title")))
        if "published" in exp:
            acc["date"].append(se.date_ok(out.get("published"), exp.get("published")))
            acc["day"].append(se.day_ok(out.get("published"), exp.get("published")))
        if "authors" in exp:
            acc["authors"].append(se.authors_ok(out.get("authors"), exp.get("authors")))
    mean = lambda i: sum(a[i] for a in arts) / len(arts) if arts else None
    r = {"pages": len(arts) + len(lst), "P": mean(0), "R": mean(1), "F1": mean(2)}
    for k, v in acc.items():
        r[k] = sum(v) / len(v) if v else None
    r["not_art"] = not_article / len(arts) if arts else None
    r["listing"] = (sum(lst) / len(lst)) if lst else None
    r["listing_n"] = len(lst)
    return r


def fmt(v):
    return "  –  " if v is None else f"{v:.3f}"


def score(labels, sets):
    # not_art: share of the articles (every page of sh-dev and traf-dev) not called articles.
    cols = ["F1", "P", "R", "title", "date", "day", "authors", "listing", "not_art"]
    print(f"{'set':<22}{'build':<14}" + "".join(f"{c:>9}" for c in cols))
    for s in sets:
        for part, keep in [("", lambda site: True), (" A", lambda site: half(site) == "A"), (" B", lambda site: half(site) == "B")]:
            for label in labels:
                r = score_set(label, s, keep)
                print(f"{s + part:<22}{label:<14}" + "".join(f"{fmt(r.get(c)):>9}" for c in cols) + f"  n={r['pages']}")


def diff(old, new, sets):
    se = scorer("score_extract")
    for s in sets:
        for name, _, _, _, exp in pages(s):
            a, b = load(old, s, name), load(new, s, name)
            changes = []
            for k in ["page_type", "title", "published", "authors"]:
                if a.get(k) != b.get(k):
                    changes.append(f"{k}: {a.get(k)!r} -> {b.get(k)!r}")
            if a.get("body") != b.get("body"):
                if s == "traf-dev" or not exp.get("is_article", True):
                    changes.append(f"body: {len(a.get('body') or '')} -> {len(b.get('body') or '')} chars")
                else:
                    gold = exp["body"] if isinstance(exp["body"], str) else "\n\n".join(exp["body"])
                    fa = se.prf(a.get("body") or "", gold)[2]
                    fb = se.prf(b.get("body") or "", gold)[2]
                    changes.append(f"body F1 {fa:.3f} -> {fb:.3f}")
            if changes:
                print(f"{s}/{name}: " + "; ".join(changes))


def main():
    a = sys.argv[1:]
    opt = lambda k, d: a[a.index(k) + 1] if k in a else d
    sets = opt("--sets", ",".join(SETS)).split(",")
    if not a:
        sys.exit(__doc__)
    if a[0] == "run":
        run(a[1], opt("--bin", os.path.join(ROOT, "target/release/vnnews") + " extract"), int(opt("--jobs", "2")), sets)
    elif a[0] == "score":
        labels = [x for x in a[1:] if not x.startswith("--") and x not in sets and x != opt("--sets", None)]
        score(labels, sets)
    elif a[0] == "diff":
        diff(a[1], a[2], [opt("--set", None)] if "--set" in a else sets)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
