#!/usr/bin/env python3
"""Read every WARC file of an archive with warcio (the reader pywb and most tools use) and check
that each `response` record parses as HTTP and matches what the archive's JSON points to, and
that every response or revisit is followed by the `request` record concurrent to it.

usage: warc_check.py ARCHIVE_DIR   (exit 0: all readable; 1: a problem, printed)
"""
import glob, json, os, sys
from warcio.archiveiterator import ArchiveIterator

def main():
    root = sys.argv[1]
    records = {}
    pairs = 0
    for path in sorted(glob.glob(os.path.join(root, "warc", "*.warc.gz"))):
        with open(path, "rb") as f:
            it = ArchiveIterator(f)
            answer = None
            for rec in it:
                rid = rec.rec_headers.get_header("WARC-Record-ID")
                if answer is not None:
                    if rec.rec_type != "request" or rec.rec_headers.get_header("WARC-Concurrent-To") != answer:
                        print(f"{path}: record {answer} is not followed by its request"); return 1
                    pairs += 1
                answer = rid if rec.rec_type in ("response", "revisit") else None
                if rec.rec_type == "response":
                    body = rec.content_stream().read()
                    status = rec.http_headers.get_statuscode()
                    records[rid] = (os.path.basename(path), it.get_record_offset(), status, len(body))
    articles = [p for p in glob.glob(os.path.join(root, "**", "*.json"), recursive=True)
                if "/index" not in p and "/cdxj" not in p]
    if not articles:
        print("no archived articles"); return 1
    for p in articles:
        doc = json.load(open(p, encoding="utf-8"))
        w = doc["fetch"]["warc"]
        got = records.get(w["record_id"])
        if got is None:
            print(f"{p}: record {w['record_id']} not found by warcio"); return 1
        if (got[0], got[1]) != (w["file"], w["offset"]) or got[2] != "200" or got[3] == 0:
            print(f"{p}: warcio sees {got}, the archive says {w}"); return 1
    print(f"warcio read {len(records)} response records, {pairs} with their request; "
          f"all {len(articles)} articles point to one")
    return 0

if __name__ == "__main__":
    sys.exit(main())
