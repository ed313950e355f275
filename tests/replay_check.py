#!/usr/bin/env python3
"""Check an archive against the replay tools researchers use (run by .ci/run):

1. the archive's CDXJ index (cdxj/*.cdxj) is the one pywb's own cdx-indexer makes of the WARC
   files, line for line;
2. a WACZ exported from it passes `wacz validate`;
3. pywb, serving the WARC files as a collection and the unpacked WACZ as another, replays an
   archived article and a listing page with exactly the archived bytes.

usage: replay_check.py ARCHIVE_DIR FILE.wacz   (exit 0: all good; 1: a problem, printed)
"""
import glob, json, os, socket, subprocess, sys, tempfile, time, urllib.request
from warcio.archiveiterator import ArchiveIterator


def fail(msg):
    print(f"replay check: {msg}")
    sys.exit(1)


def cdxj_lines(lines):
    out = []
    for line in lines:
        key, ts, js = line.rstrip("\n").split(" ", 2)
        out.append((key, ts, json.loads(js)))
    return sorted(out, key=lambda x: (x[0], x[1], x[2]["filename"], int(x[2]["offset"])))


def check_cdxj(root):
    ours = []
    for p in glob.glob(os.path.join(root, "cdxj", "*.cdxj")):
        ours.extend(open(p, encoding="utf-8").readlines())
    theirs = subprocess.run(
        ["cdx-indexer", "-j", "-s", "."], cwd=os.path.join(root, "warc"),
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    a, b = cdxj_lines(ours), cdxj_lines(theirs)
    if a != b:
        for x, y in zip(a, b):
            if x != y:
                fail(f"CDXJ differs from pywb's cdx-indexer:\n  ours:   {x}\n  theirs: {y}")
        fail(f"CDXJ has {len(a)} lines, pywb's cdx-indexer {len(b)}")
    print(f"CDXJ: {len(a)} lines, the same as pywb's cdx-indexer")
    return a


def payload_at(root, filename, offset):
    with open(os.path.join(root, "warc", filename), "rb") as f:
        f.seek(offset)
        rec = next(iter(ArchiveIterator(f)))
        return rec.content_stream().read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    root, wacz = sys.argv[1], sys.argv[2]
    index = check_cdxj(root)

    r = subprocess.run(["wacz", "validate", "-f", wacz], capture_output=True, text=True)
    if r.returncode != 0 or "valid" not in r.stdout:
        fail(f"wacz validate failed:\n{r.stdout}{r.stderr}")
    print("WACZ: wacz validate passed")

    # An article (its JSON says where its record is) and a listing (an HTML capture that no
    # article points to).
    articles = [json.load(open(p, encoding="utf-8"))
                for p in glob.glob(os.path.join(root, "**", "*.json"), recursive=True)
                if "/index" not in p and "/cdxj" not in p]
    article = articles[0]
    article_urls = {a["fetch"]["final_url"] for a in articles}
    listing = next((x for x in index if x[2]["mime"] == "text/html" and x[2]["url"] not in article_urls), None)
    if listing is None:
        fail("no listing page among the captures")
    w = article["fetch"]["warc"]
    cases = [
        (article["fetch"]["final_url"], w["file"], w["offset"]),
        (listing[2]["url"], listing[2]["filename"], int(listing[2]["offset"])),
    ]
    ts_of = {(x[2]["filename"], int(x[2]["offset"])): x[1] for x in index}

    with tempfile.TemporaryDirectory() as tmp:
        run = lambda *args: subprocess.run(list(args), cwd=tmp, check=True, capture_output=True)
        run("wb-manager", "init", "warcs")
        run("wb-manager", "add", "warcs", *sorted(glob.glob(os.path.join(root, "warc", "*.warc.gz"))))
        run("wb-manager", "init", "wacz")
        run("wb-manager", "add", "--unpack-wacz", "wacz", os.path.abspath(wacz))
        port = free_port()
        server = subprocess.Popen(["wayback", "-p", str(port), "-b", "127.0.0.1"], cwd=tmp,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.time() > deadline:
                        fail("pywb's wayback did not start within 60 s")
                    time.sleep(0.3)
            for coll in ["warcs", "wacz"]:
                for url, filename, offset in cases:
                    ts = ts_of[(filename, offset)]
                    want = payload_at(root, filename, offset)
                    got = urllib.request.urlopen(f"http://127.0.0.1:{port}/{coll}/{ts}id_/{url}", timeout=30).read()
                    if got != want:
                        fail(f"pywb ({coll}) replays {url} with {len(got)} bytes, the archive holds {len(want)}")
            print(f"pywb: an article and a listing replay byte for byte, from the WARC files and from the WACZ")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
