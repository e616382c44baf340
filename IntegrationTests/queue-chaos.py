#!/usr/bin/env python3
"""Crash, concurrency and hostile-media checks of the real `debrief` binary (CI runs this after `swift test`).

Phases (each prints its figures and fails loudly):
  kills    kill -9 of `debrief serve` (SQLite) at random moments, restarted each time: 0 jobs lost, 0 duplicate
           reports, 0 scratch files left.
  workers  3 `debrief worker` processes on one PostgreSQL (DEBRIEF_TEST_POSTGRES), 500 jobs, workers killed with -9
           at random moments and restarted under new names: every job reported exactly once; jobs of a killed worker
           are rescued within lease + sweep interval.
  mutants  >= 1000 mutated copies of the Media/ samples (bit flips, truncations, chunk swaps) plus zero-byte and
           oversized files, into a running service: it never dies, every file ends done or failed with a reason,
           the unmodified samples are reported.
  slow     50 recordings copied slowly (1 MB/s with stalls longer than the stability window): none is taken before
           its copy is complete, all are taken after.

Usage: IntegrationTests/queue-chaos.py [--binary .build/debug/debrief] [--phases kills,workers,mutants,slow] [--seed N]
"""
import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAILURES = []


def check(condition, message):
    print(("  ok   " if condition else "  FAIL ") + message, flush=True)
    if not condition:
        FAILURES.append(message)


def transcript(index, rng):
    """A distinct short interview answer (distinct content: no two jobs are duplicates)."""
    verbs = ["led", "built", "migrated", "negotiated", "designed", "shipped", "rescued", "measured"]
    things = ["the billing system", "a data pipeline", "our onboarding flow", "a pricing model", "the search index"]
    text = (f"In 20{10 + index % 15} our team faced problem number {index}. I {rng.choice(verbs)} "
            f"{rng.choice(things)} with {index % 9 + 2} engineers, and as a result we cut errors by "
            f"{index % 60 + 10} percent in {index % 11 + 1} weeks.")
    return f"WEBVTT\n\n00:00:01.000 --> 00:00:20.000\n{text}\n"


def write_inbox(inbox, count, rng, prefix="answer"):
    os.makedirs(inbox, exist_ok=True)
    for index in range(count):
        with open(os.path.join(inbox, f"{prefix}-{index:04d}.vtt"), "w") as handle:
            handle.write(transcript(index, rng))


class Debrief:
    def __init__(self, binary, data, store=None):
        self.binary, self.data, self.store = binary, data, store

    def common(self):
        args = ["--data", self.data, "--asr", "never"]
        return args + (["--store", self.store] if self.store else [])

    def serve(self, inbox, workers=2, extra=()):
        args = [self.binary, "serve", "--inbox", inbox, "--port", "0", "--stable-seconds", "0.3",
                "--workers", str(workers), "--lease-seconds", "3", "--max-attempts", "100"] + self.common()
        return self.spawn(args + list(extra), "serve")

    def worker(self, name, workers=2):
        args = [self.binary, "worker", "--workers", str(workers), "--lease-seconds", "3", "--max-attempts", "100",
                "--name", name] + self.common()
        return self.spawn(args, name)

    def spawn(self, args, label):
        log = open(os.path.join(self.data, f"{label}-{time.time_ns()}.log"), "w")
        return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)

    def status(self):
        args = [self.binary, "status", "--json", "--failures", "5000", "--data", self.data]
        args += ["--store", self.store] if self.store else []
        out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"debrief status failed: {out.stderr.strip()}")
        return json.loads(out.stdout)


def kill9(process):
    try:
        os.kill(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill9(process)


def wait_until_settled(debrief, expected, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            counts = debrief.status()["counts"]
        except RuntimeError:  # the service has not created its database yet
            time.sleep(0.5)
            continue
        if counts["done"] + counts["failed"] >= expected and counts["queued"] == 0 and counts["running"] == 0:
            return counts
        time.sleep(0.5)
    return debrief.status()["counts"]


def leftover_scratch(data):
    scratch = os.path.join(data, "tmp")
    return sorted(os.listdir(scratch)) if os.path.isdir(scratch) else []


def children_of_dead(binary):
    """`debrief analyze-job` processes whose worker is gone (they must stop within a second or two)."""
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "analyze-job" in line and " 1 " in line.split("analyze-job")[0]]


def sqlite_rows(path, sql):
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def psql(url, sql):
    out = subprocess.run(["psql", "-At", "-d", url, "-c", sql], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [line.split("|") for line in out.stdout.splitlines() if line]


def phase_kills(binary, work, rng, kills=60, jobs=150):
    print(f"kills: kill -9 of debrief serve (SQLite) {kills} times over {jobs} jobs", flush=True)
    inbox, data = os.path.join(work, "kills-inbox"), os.path.join(work, "kills-data")
    os.makedirs(data)
    write_inbox(inbox, jobs, rng)
    debrief = Debrief(binary, data)
    for _ in range(kills):
        process = debrief.serve(inbox)
        time.sleep(rng.uniform(0.4, 2.5))
        kill9(process)
    process = debrief.serve(inbox)
    started = time.time()
    counts = wait_until_settled(debrief, jobs, timeout=300)
    recovered = time.time() - started
    stop(process)
    time.sleep(1.5)
    database = os.path.join(data, "debrief.sqlite")
    reports = sqlite_rows(database, "SELECT COUNT(*) FROM report")[0][0]
    duplicates = sqlite_rows(database, "SELECT COUNT(*) FROM (SELECT sha256 FROM report GROUP BY sha256, modelID "
                                       "HAVING COUNT(*) > 1)")[0][0]
    unreported = sqlite_rows(database, "SELECT COUNT(*) FROM job WHERE status = 'done' AND reportID IS NULL")[0][0]
    attempts = sqlite_rows(database, "SELECT MAX(attempts), SUM(attempts) FROM job")[0]
    check(counts["done"] == jobs and counts["failed"] == 0, f"all {jobs} jobs done after {kills} kills: {counts}")
    check(reports == jobs, f"{reports} reports for {jobs} jobs (0 lost)")
    check(duplicates == 0 and unreported == 0, f"0 duplicate reports ({duplicates}), 0 done jobs without one ({unreported})")
    check(leftover_scratch(data) == [], f"0 scratch files left ({leftover_scratch(data)[:3]})")
    check(not children_of_dead(binary), "no orphaned analysis processes")
    print(f"  claims: {attempts[1]} for {jobs} jobs (max {attempts[0]} on one job); the last run finished the queue "
          f"in {recovered:.1f} s", flush=True)
    return kills


def phase_workers(binary, work, rng, jobs=500, kills=45):
    url = os.environ.get("DEBRIEF_TEST_POSTGRES")
    if not url:
        message = "workers: DEBRIEF_TEST_POSTGRES is not set: the PostgreSQL multi-worker check is skipped"
        if os.environ.get("CI"):
            check(False, message + " (CI must run it)")
        else:
            print(message, flush=True)
        return 0
    database = f"debrief_chaos_{os.getpid()}"
    subprocess.run(["psql", "-d", url, "-c", f"DROP DATABASE IF EXISTS {database}"], capture_output=True)
    subprocess.run(["psql", "-d", url, "-c", f"CREATE DATABASE {database}"], check=True, capture_output=True)
    store = url.rsplit("/", 1)[0] + "/" + database
    print(f"workers: 3 debrief worker processes on PostgreSQL, {jobs} jobs, {kills} kill -9", flush=True)
    inbox, data = os.path.join(work, "pg-inbox"), os.path.join(work, "pg-data")
    os.makedirs(data)
    write_inbox(inbox, jobs, rng)
    debrief = Debrief(binary, data, store)
    ingest = debrief.serve(inbox, workers=0)
    generation = {name: 0 for name in ("m1", "m2", "m3")}
    workers = {name: debrief.worker(f"{name}-0") for name in generation}
    rescue_delays = []
    for _ in range(kills):
        time.sleep(rng.uniform(0.5, 2.0))
        name = rng.choice(sorted(workers))
        victim = f"{name}-{generation[name]}"
        kill9(workers[name])
        killed_at = time.time()
        held = psql(store, f"SELECT id FROM job WHERE status = 'running' AND worker LIKE '{victim}#%'")
        generation[name] += 1
        workers[name] = debrief.worker(f"{name}-{generation[name]}")
        if held:
            ids = ",".join(row[0] for row in held)
            threading.Thread(target=watch_rescue, args=(store, ids, victim, killed_at, rescue_delays),
                             daemon=True).start()
    counts = wait_until_settled(debrief, jobs, timeout=600)
    for process in list(workers.values()) + [ingest]:
        stop(process)
    reports = int(psql(store, "SELECT COUNT(*) FROM report")[0][0])
    duplicates = int(psql(store, "SELECT COUNT(*) FROM (SELECT sha256 FROM report GROUP BY sha256 "
                                 "HAVING COUNT(*) > 1) d")[0][0])
    per_job = psql(store, "SELECT COUNT(*) FROM job WHERE status = 'done' AND report_id IS NULL")[0][0]
    check(counts["done"] == jobs and counts["failed"] == 0, f"all {jobs} jobs done: {counts}")
    check(reports == jobs and duplicates == 0 and per_job == "0",
          f"each job reported exactly once ({reports} reports, {duplicates} duplicates)")
    limit = 3 + 5 + 2  # lease + sweep interval + one heartbeat of slack
    if rescue_delays:
        check(max(rescue_delays) <= limit, f"jobs of killed workers rescued within lease + sweep: "
              f"max {max(rescue_delays):.1f} s over {len(rescue_delays)} kills (limit {limit} s)")
    check(leftover_scratch(data) == [], f"0 scratch files left ({leftover_scratch(data)[:3]})")
    subprocess.run(["psql", "-d", url, "-c", f"DROP DATABASE IF EXISTS {database}"], capture_output=True)
    return kills


def watch_rescue(store, ids, victim, killed_at, delays):
    """Records when the jobs a killed worker held stop being held by it."""
    while time.time() - killed_at < 60:
        rows = psql(store, f"SELECT COUNT(*) FROM job WHERE id IN ({ids}) AND status = 'running' "
                           f"AND worker LIKE '{victim}#%'")
        if rows[0][0] == "0":
            delays.append(time.time() - killed_at)
            return
        time.sleep(0.2)
    delays.append(float("inf"))


def mutate(data, rng):
    data = bytearray(data)
    kind = rng.choice(["flip", "truncate", "swap", "flip-header", "zero-run"])
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == "flip-header":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(min(len(data), 4096))] ^= 0xFF
    elif kind == "truncate":
        data = data[:rng.randrange(1, len(data))]
    elif kind == "swap":
        size = rng.randint(16, 4096)
        a, b = rng.randrange(len(data) - size), rng.randrange(len(data) - size)
        data[a:a + size], data[b:b + size] = data[b:b + size], data[a:a + size]
    else:
        start = rng.randrange(len(data))
        data[start:start + rng.randint(1, 65536)] = bytes(min(65536, len(data) - start))
    return kind, bytes(data)


def phase_mutants(binary, work, rng, count=1000):
    print(f"mutants: {count} mutated recordings + zero-byte + oversized + valid samples into a running service",
          flush=True)
    inbox, data = os.path.join(work, "mutants-inbox"), os.path.join(work, "mutants-data")
    os.makedirs(inbox)
    os.makedirs(data)
    samples = [os.path.join(ROOT, "Media", name) for name in ("interview-en.mp4", "interview-zh.mkv",
                                                             "phone-screen-en.m4a")]
    kinds = {}
    for index in range(count):
        source = samples[index % len(samples)]
        kind, mutated = mutate(open(source, "rb").read(), rng)
        kinds[kind] = kinds.get(kind, 0) + 1
        with open(os.path.join(inbox, f"mutant-{index:04d}{os.path.splitext(source)[1]}"), "wb") as handle:
            handle.write(mutated)
    open(os.path.join(inbox, "empty.mp4"), "wb").close()
    with open(os.path.join(inbox, "huge.mkv"), "wb") as handle:  # 8 GB, sparse: a "recording" of zeros
        handle.truncate(8 << 30)
    for source in samples:
        shutil.copy(source, os.path.join(inbox, "valid-" + os.path.basename(source)))
    total = count + 2 + len(samples)
    debrief = Debrief(binary, data)
    process = debrief.serve(inbox, workers=2, extra=["--job-timeout", "120", "--max-attempts", "1"])
    started = time.time()
    counts = wait_until_settled(debrief, total, timeout=1800)
    elapsed = time.time() - started
    alive = process.poll() is None
    stop(process)
    status = debrief.status()
    reasons = [job.get("error") or "" for job in status["failed"]]
    database = os.path.join(data, "debrief.sqlite")
    valid = sqlite_rows(database, "SELECT COUNT(*) FROM job WHERE path LIKE '%/valid-%' AND status = 'done'")[0][0]
    crashed = sum("crashed" in reason or "killed" in reason for reason in reasons)
    check(alive, "the service survived every file")
    check(counts["done"] + counts["failed"] == total, f"every file ended done or failed: {counts} of {total}")
    check(all(reason.strip() for reason in reasons), "each failure has a reason")
    types = {}
    for job in status["failed"]:
        types[job.get("errorCode")] = types.get(job.get("errorCode"), 0) + 1
    check(None not in types, f"each failure has a type: {types}")
    check(valid == len(samples), f"the {len(samples)} unmodified samples were reported ({valid})")
    print(f"  mutations: {kinds}; {counts['done']} still analysable, {counts['failed']} failed "
          f"({crashed} by a crash caught in the child process); {elapsed:.0f} s", flush=True)
    for reason in sorted(set(r.split(": ", 1)[-1][:90] for r in reasons))[:8]:
        print(f"    e.g. {reason}")
    empty = [j for j in status["failed"] if j["path"].endswith("/empty.mp4")]
    huge = [j for j in status["failed"] if j["path"].endswith("/huge.mkv")]
    check(len(empty) == 1 and len(huge) == 1, f"zero-byte and oversized files failed with reasons: "
          f"{(empty or [{}])[0].get('error')}; {(huge or [{}])[0].get('error')}")


def slow_copy(source, destination, rate, stall, rng):
    data = open(source, "rb").read()
    chunk = max(1, rate // 10)
    with open(destination, "wb") as handle:
        for offset in range(0, len(data), chunk):
            handle.write(data[offset:offset + chunk])
            handle.flush()
            time.sleep(0.1)
            if rng.random() < 0.2:
                time.sleep(stall)


def phase_slow(binary, work, rng, copies=50):
    print(f"slow: {copies} copies at 1 MB/s with stalls longer than the stability window", flush=True)
    inbox, data = os.path.join(work, "slow-inbox"), os.path.join(work, "slow-data")
    os.makedirs(inbox)
    os.makedirs(data)
    source = os.path.join(ROOT, "Media", "interview-en.mp4")
    debrief = Debrief(binary, data)
    process = debrief.serve(inbox, workers=2)
    time.sleep(1)
    threads = []
    for index in range(copies):
        # Each copy differs (a trailing byte) so that none is a duplicate of another.
        staged = os.path.join(work, f"slow-{index}.mp4")
        shutil.copy(source, staged)
        with open(staged, "ab") as handle:
            handle.write(bytes([index]))
        thread = threading.Thread(target=slow_copy, args=(staged, os.path.join(inbox, f"slow-{index:02d}.mp4"),
                                                          1 << 20, 1.0, random.Random(index)))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    counts = wait_until_settled(debrief, copies, timeout=600)
    stop(process)
    database = os.path.join(data, "debrief.sqlite")
    failed = sqlite_rows(database, "SELECT COUNT(*) FROM job WHERE status = 'failed'")[0][0]
    sizes = [json.loads(row[0])["recording"]["sizeBytes"] for row in sqlite_rows(database, "SELECT json FROM report")]
    full = os.path.getsize(source) + 1
    check(counts["done"] == copies and failed == 0 and len(sizes) == copies and all(s == full for s in sizes),
          f"all {copies} slow copies analysed at their full size ({full} bytes), none taken early: {counts}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "debrief"))
    parser.add_argument("--phases", default="kills,workers,mutants,slow")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--mutants", type=int, default=1000)
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        subprocess.run(["swift", "build", "--product", "debrief"], cwd=ROOT, check=True)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="debrief-chaos-")
    kills = 0
    try:
        phases = args.phases.split(",")
        if "kills" in phases:
            kills += phase_kills(args.binary, work, rng)
        if "workers" in phases:
            kills += phase_workers(args.binary, work, rng)
        if "mutants" in phases:
            phase_mutants(args.binary, work, rng, args.mutants)
        if "slow" in phases:
            phase_slow(args.binary, work, rng)
    finally:
        if not FAILURES:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work directory kept: {work}")
    print(f"kill -9 in all: {kills}")
    if FAILURES:
        print(f"{len(FAILURES)} checks failed")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
