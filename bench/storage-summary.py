#!/usr/bin/env python3
"""Turns the JSON lines that StorageBench prints (bench/run-storage-bench.sh collects them in
results.jsonl) into the tables of docs/performance.md, "Storage engine (in process)". Standard
library only.

    bench/storage-summary.py bench/target/storage-bench/results.jsonl

Ratios are only taken between sides measured in the same run (engine vs direct in one search run).
"""
import json
import sys
from collections import defaultdict


def ingest(rows):
    runs = defaultdict(list)
    for r in rows:
        runs[(r["policy"], r["batch"], r["index"])].append(r)
    print("| fsync policy | batch | index | vectors/s (each run) | batch p50 ms | p99 ms | p99.9 ms | max ms |"
          " sealing batches: s in all (share of the ingest) | other batches p99 ms |"
          " index at last ack | final index | indexed s after last ack |")
    print("|---|---:|---|---|---|---|---|---|---|---|---|---|---|")
    order = {"always": 0, "batch": 1, "none": 2}
    for key in sorted(runs, key=lambda k: (k[2], order[k[0]], k[1])):
        rs = runs[key]

        def each(fmt, get):
            return " / ".join(fmt.format(get(r)) for r in rs)

        cells = [key[0], str(key[1]), key[2],
                 each("{:,.0f}", lambda r: r["vectors_per_s"]),
                 each("{:.2f}", lambda r: r["batch_latency"]["p50"]),
                 each("{:.1f}", lambda r: r["batch_latency"]["p99"]),
                 each("{:.0f}", lambda r: r["batch_latency"]["p99_9"]),
                 each("{:.0f}", lambda r: r["batch_latency"]["max"]),
                 " / ".join("{:.2f} ({:.0%})".format(r["seal_s"], r["seal_s"] / r["elapsed_s"]) for r in rs),
                 each("{:.2f}", lambda r: r["other_batches"]["p99"]),
                 each("{}", lambda r: r["index_at_last_ack"]),
                 each("{}", lambda r: r["index_desc"]),
                 each("{:.1f}", lambda r: r["index_wait_s"])]
        print("| " + " | ".join(cells) + " |")


def search(r):
    print(f"\n{r['dataset']}: engine index {r['engine_index']}, direct {r['direct_index']} "
          f"(trained on {r['training_rows']:,} rows), {r['queries']} queries x {r['rounds']} rounds, k={r['k']}; "
          f"load average {r['loadavg_start']} -> {r['loadavg_end']}\n")
    bitmap = any("direct_with_bitmap" in x for x in r["results"])
    head = ("| nprobe | engine QPS | engine recall@10 | engine p50 / p99 / p99.9 us | direct QPS | direct recall@10 |"
            " direct p50 / p99 / p99.9 us | engine / direct QPS |")
    line = "|---:|---:|---:|---|---:|---:|---|---:|"
    if bitmap:
        head += " direct+bitmap QPS | engine / direct+bitmap |"
        line += "---:|---:|"
    print(head)
    print(line)
    for x in r["results"]:
        e, d = x["engine"], x["direct"]

        def lat(s):
            la = s["latency"]
            return f"{la['p50']:.0f} / {la['p99']:.0f} / {la['p99_9']:.0f}"

        mark = " **(first >= 0.95)**" if x["meets_recall_goal"] else ""
        row = (f"| {x['nprobe']} | {e['qps']:,.0f} | {e['recall']:.4f}{mark} | {lat(e)} | {d['qps']:,.0f} | "
               f"{d['recall']:.4f} | {lat(d)} | {x['qps_ratio']:.3f} |")
        if bitmap:
            b = x["direct_with_bitmap"]
            row += f" {b['qps']:,.0f} | {x['qps_ratio_vs_direct_with_bitmap']:.3f} |"
        print(row)


def restart(r):
    p = r["prepare"]
    print(f"\n{r['dataset']}: {p['index_desc']} over {p['indexed_rows']:,} rows, shard directory "
          f"{p['shard_dir_bytes'] / 1e6:,.0f} MB; index file unchanged after all restarts: "
          f"{r['index_file_unchanged']}\n")
    print("| restart | open ms | first search ms | restart-to-serving ms | JVM uptime at serving ms |"
          " indexed rows at open | no retraining | heap used MB | heap committed MB | RSS MB (anon + file) |"
          " RSS - heap committed MB | serving QPS (default nprobe) | recall@10 |")
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|---:|")
    for x in r["restarts"]:
        print(f"| {x['mode']} | {x['open_ms']:.0f} | {x['first_search_ms']:.1f} | {x['restart_to_serving_ms']:.0f} | "
              f"{x['jvm_uptime_at_serving_ms']} | {x['indexed_rows_at_open']:,} | {x['no_retraining']} | "
              f"{x['heap_used_mb']:.0f} | {x['heap_committed_mb']:.0f} | {x['rss_mb']:.0f} ({x['rss_anon_mb']:.0f} + "
              f"{x['rss_file_mb']:.0f}) | {x['off_heap_estimate_mb']:.0f} | {x['serve_qps']:.0f} | "
              f"{x['serve_recall']:.4f} |")


def main(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.startswith("{")]
    ingests = [r for r in rows if r["bench"] == "ingest"]
    if ingests:
        ingest(ingests)
    for r in rows:
        if r["bench"] == "search":
            search(r)
        elif r["bench"] == "restart":
            restart(r)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
