#!/usr/bin/env python3
"""The scoring core's benchmark computation in numpy over OpenBLAS, for the README's comparison (issue 6).

Same shapes and steps as `debrief bench scoring` / ScoringBenchmarks: N candidates x 64 features (about 1 in 1000
missing), 32 jobs x 8 dimensions with dense weights; normalise (robust z, clamped to +-6, missing -> 0), dimension
scores (matrix product, squashed 100(1 - e^-max(0,x))), overall (weighted), match (cosine to the unit ideal profile),
percentile per job (counting: bincount + cumulative sum), level, top-50 per job (argpartition). Measured whole-array
and in row blocks (the faster is numpy's figure); the best of 3 runs each. The product itself has no Python.

    python3 Benchmarks/numpy/scoring.py [--candidates N] [--threads T]
"""
import argparse
import json
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--jobs", type=int, default=32)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import numpy as np  # after the thread setting

    rng = np.random.default_rng(2026)
    n, f, j, d = args.candidates, args.features, args.jobs, 8
    content = f // 2
    x = np.empty((n, f), dtype=np.float32)
    x[:, :content] = np.abs(rng.standard_normal((n, content), dtype=np.float32)) * 1.5
    x[:, content:] = rng.random((n, f - content), dtype=np.float32)
    x[rng.random((n, f)) < 0.001] = np.nan
    median = np.where(np.arange(f) < content, 0.0, 0.5).astype(np.float32)
    inverse = (1 / np.where(np.arange(f) < content, 2.0, 0.25)).astype(np.float32)
    weights = ((rng.random((j * d, f), dtype=np.float32) - 0.5) * 0.6)
    for job in range(j):
        for dim in range(d):
            weights[job * d + dim, (job * d + dim) % content] = 1
    wt = np.ascontiguousarray(weights.T)  # f x (j*d)
    raw = 0.5 + rng.random((j, d), dtype=np.float32)
    dim_weights = raw / raw.sum(axis=1, keepdims=True)
    ideal = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    level_mins = np.array([80, 60, 40, 0], dtype=np.float32)

    def score_rows(rows):
        z = (rows - median) * inverse
        np.clip(z, -6, 6, out=z)
        z[~np.isfinite(rows)] = 0
        s = z @ wt
        np.maximum(s, 0, out=s)
        np.negative(s, out=s)
        np.exp(s, out=s)
        s *= -100
        s += 100
        s3 = s.reshape(len(rows), j, d)
        overall = np.einsum("njd,jd->nj", s3, dim_weights)
        norm = np.sqrt(np.einsum("njd,njd->nj", s3, s3))
        match = np.divide(np.einsum("njd,jd->nj", s3, ideal), norm, out=np.zeros_like(norm), where=norm > 0)
        return overall, match

    def finish(overall):
        bins = np.rint(np.clip(overall, 0, 100) * 10).astype(np.int32)
        percentile = np.empty_like(overall)
        top = []
        for job in range(j):
            counts = np.bincount(bins[:, job], minlength=1001)
            below = (np.cumsum(counts) - counts) * (100 / max(1, n - 1))
            percentile[:, job] = below[bins[:, job]]
            best = np.argpartition(-overall[:, job], 50)[:50]
            top.append(best[np.lexsort((best, -overall[best, job]))])
        level = len(level_mins) - np.searchsorted(level_mins[::-1], overall, side="right")
        return percentile, level, top

    def whole():
        overall, match = score_rows(x)
        return finish(overall), match

    def blocked(block=65_536):
        overall = np.empty((n, j), dtype=np.float32)
        match = np.empty((n, j), dtype=np.float32)
        for start in range(0, n, block):
            overall[start:start + block], match[start:start + block] = score_rows(x[start:start + block])
        return finish(overall), match

    def best_of(function, runs=3):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return min(times)

    whole_seconds = best_of(whole)
    blocked_seconds = best_of(blocked)
    seconds = min(whole_seconds, blocked_seconds)
    config = np.show_config(mode="dicts")
    blas = config.get("Build Dependencies", {}).get("blas", {})
    print(json.dumps({
        "candidates": n, "features": f, "jobs": j, "threads": args.threads,
        "numpy": {"version": np.__version__, "blas": f"{blas.get('name')} {blas.get('version')}",
                  "seconds": seconds, "candidatesPerSecond": round(n / seconds),
                  "wholeArraySeconds": whole_seconds, "blockedSeconds": blocked_seconds},
    }))


if __name__ == "__main__":
    sys.exit(main())
