#!/usr/bin/env python3
"""Load and checks for docker/compose-test.sh, through the coordinator's REST API (stdlib only).

  compose_load.py seed   URL COLLECTION COUNT        create COLLECTION (8-d, l2), write ids 0..COUNT-1
  compose_load.py load   URL COLLECTION COUNT STOP   write new ids and search known ones until the file
                                                     STOP exists; print a JSON summary
  compose_load.py verify URL COLLECTION COUNT STEP   every STEP-th id of 0..COUNT-1 is found by an
                                                     exact search for its own vector, with no range missing

Vectors are a function of their id, so every step knows what a row holds.
"""
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request

DIM = 8


def vector(i):
    rnd = random.Random(i)
    return [round(rnd.uniform(-1, 1), 5) for _ in range(DIM)]


def call(method, url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, {"error": e.read().decode(errors="replace")}
    except OSError as e:
        return 0, {"error": str(e)}


def write(url, coll, ids):
    status, body = call("PUT", f"{url}/v1/collections/{coll}/vectors",
                        {"vectors": [{"id": i, "values": vector(i)} for i in ids]})
    return status in (200, 201) and not body.get("failures"), (status, body)


def search(url, coll, i, k):
    return call("POST", f"{url}/v1/collections/{coll}/search", {"vector": vector(i), "k": k})


def seed(url, coll, count):
    status, body = call("POST", f"{url}/v1/collections", {"name": coll, "dimension": DIM, "metric": "l2"})
    if status not in (200, 201):
        sys.exit(f"create {coll}: HTTP {status} {body}")
    for start in range(0, count, 500):
        ok, detail = write(url, coll, range(start, min(count, start + 500)))
        if not ok:
            sys.exit(f"write {start}..: {detail}")
    print(f"seeded {count} vectors into {coll}")


def load(url, coll, count, stop):
    stats = {"writes": 0, "writes_failed": 0, "searches": 0, "searches_failed": 0, "searches_partial": 0,
             "first_failures": []}
    next_id = 1_000_000
    rnd = random.Random(1)
    while not os.path.exists(stop):
        ok, detail = write(url, coll, range(next_id, next_id + 20))
        next_id += 20
        stats["writes"] += 1
        if not ok:
            stats["writes_failed"] += 1
        for _ in range(4):
            i = rnd.randrange(count)
            status, body = search(url, coll, i, 5)
            stats["searches"] += 1
            hits = body.get("hits", [])
            if status != 200 or not hits or hits[0]["id"] != str(i):
                stats["searches_failed"] += 1
                if len(stats["first_failures"]) < 5:
                    stats["first_failures"].append({"id": i, "status": status, "body": body})
            elif body.get("partial"):
                stats["searches_partial"] += 1
                if len(stats["first_failures"]) < 5:
                    stats["first_failures"].append({"id": i, "partial": body.get("unavailable_ranges")})
        time.sleep(0.01)
    print(json.dumps(stats))


def verify(url, coll, count, step):
    missing = []
    checked = 0
    for i in range(0, count, step):
        status, body = search(url, coll, i, 1)
        checked += 1
        hits = body.get("hits", [])
        if status != 200 or body.get("partial") or not hits or hits[0]["id"] != str(i):
            missing.append({"id": i, "status": status, "body": body})
    print(json.dumps({"checked": checked, "missing": len(missing), "first_missing": missing[:3]}))
    if missing:
        sys.exit(1)


def main(argv):
    cmd, url, coll, count = argv[1], argv[2], argv[3], int(argv[4])
    if cmd == "seed":
        seed(url, coll, count)
    elif cmd == "load":
        load(url, coll, count, argv[5])
    elif cmd == "verify":
        verify(url, coll, count, int(argv[5]))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
