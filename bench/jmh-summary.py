#!/usr/bin/env python3
"""Turns the JSON files that `./vxdb jmh ... -rf json -rff FILE` writes into the tables and ratios
of docs/performance.md. Standard library only.

    bench/jmh-summary.py target/kernels.json target/exact-scan.json target/ivf.json

Every ratio is between results of the same file, i.e. of the same JMH run.
"""
import json
import sys

SCAN_BYTES = 100_000 * 128 * 4  # ExactScanBenchmark: rows x dim x sizeof(float)


def load(path):
    with open(path) as f:
        return json.load(f)


def name(result):
    return result["benchmark"].rsplit(".", 1)[1]


def score(result):
    m = result["primaryMetric"]
    return m["score"], m["scoreError"], m["scoreUnit"]


def kernels(results):
    table = {}
    for r in results:
        p = r["params"]
        table[(name(r), int(p["dim"]), p["kernel"])] = score(r)
    print("| op | dim | scalar ns/op | panama ns/op | panama speed-up |")
    print("|---|---:|---:|---:|---:|")
    for op in ("squaredL2", "dot"):
        for dim in sorted({k[1] for k in table}):
            s, se, _ = table[(op, dim, "scalar")]
            v, ve, _ = table[(op, dim, "panama")]
            print(f"| {op} | {dim} | {s:.1f} ± {se:.1f} | {v:.1f} ± {ve:.1f} | {s / v:.1f}x |")


def best(result):
    """Fastest measured iteration: on a shared machine, the one least disturbed by other work."""
    return min(v for fork in result["primaryMetric"]["rawData"] for v in fork)


def exact(results):
    by = {name(r): r for r in results}
    c = score(by["cAvx2MinScan"])[0]
    c_best = best(by["cAvx2MinScan"])
    faiss = score(by["faissFlat"])[0] if "faissFlat" in by else None
    print("| benchmark | ms/query (mean ± 99.9% CI) | GB/s | C time / this | FAISS time / this "
          "| fastest iteration ms | GB/s | C / this (fastest) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in ("cAvx2MinScan", "javaKernelMinScan", "javaLinear", "faissFlat"):
        if n not in by:
            continue
        t, e, unit = score(by[n])
        assert unit == "ms/op", unit
        b = best(by[n])
        vs_faiss = f"{faiss / t:.2f}" if faiss else "-"
        print(f"| {n} | {t:.3f} ± {e:.3f} | {gbs(t):.1f} | {c / t:.2f} | {vs_faiss} "
              f"| {b:.3f} | {gbs(b):.1f} | {c_best / b:.2f} |")


def gbs(ms):
    return SCAN_BYTES / (ms * 1e-3) / 1e9


def ivf(results):
    flat = flat_error = None
    rows = []
    for r in results:
        t, e, unit = score(r)
        if name(r) == "faissFlat":
            flat, flat_error = t, e
        else:
            rows.append((int(r["params"]["nprobe"]), t, e, unit))
    print("| index | nprobe | us/query | speed-up vs FAISS flat |")
    print("|---|---:|---:|---:|")
    for nprobe, t, e, unit in sorted(rows):
        print(f"| IVF1024,Flat | {nprobe} | {t:.1f} ± {e:.1f} | {flat / t:.1f}x |")
    print(f"| Flat | - | {flat:.1f} ± {flat_error:.1f} | 1.0x |")


def main(paths):
    for path in paths:
        results = load(path)
        kinds = {r["benchmark"].rsplit(".", 2)[1] for r in results}
        print(f"\n### {path}\n")
        for kind in sorted(kinds):
            subset = [r for r in results if r["benchmark"].rsplit(".", 2)[1] == kind]
            {"DistanceKernelBenchmark": kernels, "ExactScanBenchmark": exact,
             "IvfSearchBenchmark": ivf}[kind](subset)


if __name__ == "__main__":
    main(sys.argv[1:])
