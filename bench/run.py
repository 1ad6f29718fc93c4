"""``make bench``: the app under `make run`'s serving stack, each endpoint driven for a fixed time, one
table; then every serving stack side by side (compare page, answer POST, keep-alive, stalled uploads).

Every figure that matters is a ratio to ``/healthz`` measured in the same run (the load tool and
the server share the machine's cores, so absolute numbers only compare within one run). The
baseline is measured first and again last; the ratio uses their mean, and both are printed.

The quiz answer POST needs a fresh, unanswered question per request (an answer is recorded once;
a repeat gets 409). The bench starts exam simulations through the real endpoints until the pool
holds more unanswered questions than the baseline rate could consume, then wrk walks the pool:
each request is a real, first answer of a different question, as htmx sends it (HX-Request, the
form's CSRF token, the session cookie), and the app returns the question panel fragment.

Usage: python bench/run.py [--duration 5] [--connections 16] [--threads 2] [--workers 2]
                           [--tool auto|wrk|python] [--no-render-cache] [--no-nginx]
                           [--stacks gunicorn-sync ...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import importlib.util
import json
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DEFAULT_STACK,
    NGINX_CONF,
    ROOT,
    STACKS,
    Client,
    QuizSetupError,
    Server,
    exam_paths,
    free_port,
    local_path,
    nginx_binary,
    nginx_config,
    nginx_running,
    parse,
    question_form,
    start_exam,
    start_practice,
)

ACCEPT = {"Accept-Encoding": "gzip, deflate, br"}
CONTENT_TARGET, ANSWER_TARGET, FIRST_LOAD_LIMIT = 0.7, 0.4, 60 * 1024


@dataclass
class Row:
    name: str
    path: str
    headers: dict[str, str]
    kind: str = "content"  # content | baseline | quiz | answer
    method: str = "GET"
    result: dict | None = None
    page_bytes: int | None = None
    total_bytes: int | None = None
    note: str = ""
    local_base: float = 0.0
    base: str = ""  # another server's URL (the nginx rows); empty: the app itself


# ----------------------------------------------------------------------------- machine


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                      .splitlines() if line.startswith("MemTotal"))
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        mem = "? RAM"
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, {mem}, Python {platform.python_version()}"


# ----------------------------------------------------------------------------- load drivers


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(url: str, row: Row, args, pool_file: Path | None = None,
            duration: float | None = None) -> dict:
    cmd = [wrk_path(), f"-t{args.threads}", f"-c{args.connections}",
           f"-d{int(duration or args.duration)}s", "--timeout", "10s",
           "-s", str(ROOT / "bench" / "wrk.lua")]
    for key, value in row.headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(url + row.path)
    if pool_file is not None:
        cmd += ["--", str(pool_file), str(args.threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("{")][-1]
    raw = json.loads(line)
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / seconds, "p50": raw["p50_us"] / 1000,
        "p99": raw["p99_us"] / 1000, "requests": raw["requests"],
        "errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        "bad_status": raw["status"],
    }


def run_python(url: str, row: Row, args, pool: list[tuple[str, str]] | None = None,
               duration: float | None = None) -> dict:
    """Fallback when wrk is missing: ``connections`` threads, one request at a time each."""
    host, port = url.split("//", 1)[1].split(":")
    stop = time.monotonic() + (duration or args.duration)
    latencies: list[float] = []
    counts = {"errors": 0, "bad_status": 0}
    lock = threading.Lock()
    next_item = iter(range(10**9))

    def worker() -> None:
        local: list[float] = []
        bad = err = 0
        while time.monotonic() < stop:
            headers = dict(row.headers)
            if pool is not None:
                with lock:
                    i = next(next_item)
                path, body = pool[i % len(pool)]
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                method, data = "POST", body.encode()
            else:
                path, method, data = row.path, "GET", None
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status >= 400:
                    bad += 1
            except OSError:
                err += 1
                continue
            local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)
            counts["errors"] += err
            counts["bad_status"] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - started
    latencies.sort()
    q = (lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
         if latencies else float("nan"))
    return {"rps": len(latencies) / seconds, "p50": q(0.5), "p99": q(0.99),
            "requests": len(latencies) + counts["errors"], **counts}


def drive(tool: str, url: str, row: Row, args, pool: list[tuple[str, str]] | None = None,
          duration: float | None = None) -> dict:
    if tool == "wrk":
        pool_file = None
        if pool is not None:
            fd, name = tempfile.mkstemp(prefix="bench-pool-", suffix=".tsv")
            with os.fdopen(fd, "w") as fh:
                fh.writelines(f"{p}\t{b}\n" for p, b in pool)
            pool_file = Path(name)
        try:
            return run_wrk(url, row, args, pool_file, duration)
        finally:
            if pool_file is not None:
                pool_file.unlink(missing_ok=True)
    return run_python(url, row, args, pool, duration)


# ----------------------------------------------------------------------------- discovery


def first_link(client: Client, page: str, prefix: str, depth: int) -> str | None:
    for href in parse(client.get(page, ACCEPT | {"Accept-Encoding": "identity"}).text).links:
        path = local_path(page, href)
        if path.startswith(prefix) and path.count("/") == depth and "?" not in path:
            return path
    return None


def transferred(client: Client, path: str, headers: dict[str, str]) -> tuple[int, int, list[str]]:
    """Compressed bytes of the page body, and of the page plus its CSS, JS and icon."""
    reply = client.get(path, {**headers, **ACCEPT})
    identity = client.get(path, {**headers, "Accept-Encoding": "identity"})
    total = len(reply.body)
    assets = parse(identity.text).assets
    for asset in assets:
        total += len(client.get(local_path(path, asset), ACCEPT).body)
    return len(reply.body), total, assets


def build_answer_pool(server: Server, client: Client, needed: int,
                      budget_s: float = 90) -> tuple[list[tuple[str, str]], int]:
    """Start exam simulations (real endpoints) until ``needed`` unanswered questions exist."""
    exams = exam_paths(client)
    if not exams:
        raise QuizSetupError("no exam simulation linked from /quiz")
    first = start_exam(client, exams[0])
    token = dict(question_form(client, first).fields)["csrf_token"]
    started = [first]
    deadline = time.monotonic() + budget_s

    def one(i: int) -> str:
        return start_exam(client, exams[i % len(exams)])

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        i = 1
        while time.monotonic() < deadline:
            count = _open_questions(server)
            if count >= needed:
                break
            batch = max(1, min(16, math.ceil((needed - count) / 60)))
            started += list(pool.map(one, range(i, i + batch)))
            i += batch
    rows = _unanswered(server)
    items = []
    for public_id, position, n_correct, version in rows:
        # An exam answer carries the version its form shows (docs/quiz.md, integrity rules).
        body = urlencode({"csrf_token": token, "version": str(version),
                          "choice": [str(k) for k in range(max(1, n_correct))]}, doseq=True)
        items.append((f"/quiz/attempts/{public_id}/{position}", body))
    return items, len(started)


def _db(server: Server) -> sqlite3.Connection:
    return sqlite3.connect(str(server.tmp / "bench.db"), timeout=30)


def _open_questions(server: Server) -> int:
    with _db(server) as conn:
        return conn.execute(
            "SELECT count(*) FROM attempt_question q JOIN attempt a ON a.id = q.attempt_id "
            "WHERE a.mode = 'exam' AND q.chosen IS NULL").fetchone()[0]


def _unanswered(server: Server) -> list[tuple[str, int, int, int]]:
    """(attempt public id, position, number of correct options, answer version) of every open
    exam question. Read from the database only to send a well-formed answer (multiple-response
    questions take exactly as many choices as they have right answers; the version is what the
    question's form would carry)."""
    with _db(server) as conn:
        rows = conn.execute(
            "SELECT a.public_id, q.position, q.correct, q.version FROM attempt_question q "
            "JOIN attempt a ON a.id = q.attempt_id WHERE a.mode = 'exam' AND q.chosen IS NULL "
            "ORDER BY q.position, a.id").fetchall()
    return [(pid, pos, len(json.loads(correct)), version)
            for pid, pos, correct, version in rows]


def answered_count(server: Server) -> int:
    with _db(server) as conn:
        return conn.execute("SELECT count(*) FROM attempt_question WHERE chosen IS NOT NULL"
                            ).fetchone()[0]


# ----------------------------------------------------------------------------- quiz engine


def quiz_engine_timing() -> str:
    """The engine's own benchmark (bench/quiz_engine.py, a colleague's): ``run(n)`` with n runs
    returns medians/p90s; the 65-question exam build is what the issue asks for."""
    path = ROOT / "bench" / "quiz_engine.py"
    if not path.exists():
        return "quiz engine: bench/quiz_engine.py not present, not measured"
    spec = importlib.util.spec_from_file_location("bench_quiz_engine", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        r = module.run(200)
    except Exception as exc:  # report, never fail the bench on the helper
        return f"quiz engine: bench/quiz_engine.py failed: {exc.__class__.__name__}: {exc}"
    if "exam_ms_median" in r:
        return (f"quiz engine (bench/quiz_engine.py, 200 runs, in process): "
                f"{int(r.get('exam_questions', 65))}-question exam build "
                f"{r['exam_ms_median']:.2f} ms median, {r['exam_ms_p90']:.2f} ms p90; "
                f"answer check {r.get('answer_us_median', float('nan')):.1f} µs; "
                f"snapshot build (once per content version) "
                f"{r.get('snapshot_ms_median', float('nan')):.1f} ms")
    return "quiz engine: " + ", ".join(f"{k} {v:.2f}" for k, v in r.items())


# ----------------------------------------------------------------------------- serving stacks


def keeps_alive(url: str) -> bool:
    """Whether two requests travel on one connection (no ``Connection: close``)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("GET", "/healthz")
        first = conn.getresponse()
        first.read()
        if first.will_close:
            return False
        sock = conn.sock
        conn.request("GET", "/healthz")
        second = conn.getresponse()
        second.read()
        return second.status == 200 and conn.sock is sock
    except OSError:
        return False
    finally:
        conn.close()


def stalled_uploads(url: str, sockets: int = 8, hold: float = 10.0) -> dict:
    """Hold ``sockets`` uploads that announce 100 kB and send 2 bytes; meanwhile GET /healthz
    and / on fresh connections (5 s timeout each). Latencies in ms; a timeout or error counts
    as a failure and as 5,000 ms."""
    import socket

    host, port = url.removeprefix("http://").split(":")
    held = []
    for _ in range(sockets):
        s = socket.create_connection((host, int(port)), timeout=5)
        s.sendall(b"POST /quiz/practice HTTP/1.1\r\nHost: " + host.encode() +
                  b"\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 100000\r\n\r\nab")
        held.append(s)
    times: list[float] = []
    failures = 0
    end = time.monotonic() + hold
    try:
        while time.monotonic() < end:
            for path in ("/healthz", "/"):
                t0 = time.monotonic()
                try:
                    conn = http.client.HTTPConnection(host, int(port), timeout=5)
                    conn.request("GET", path)
                    ok = conn.getresponse().status == 200
                    conn.close()
                except OSError:
                    ok = False
                times.append((time.monotonic() - t0) * 1000 if ok else 5000.0)
                failures += not ok
            time.sleep(0.1)
    finally:
        for s in held:
            s.close()
    times.sort()
    return {"requests": len(times), "failures": failures,
            "p50": statistics.median(times), "p99": times[min(len(times) - 1,
                                                              int(len(times) * 0.99))],
            "max": times[-1]}


def compare_stacks(tool: str, args, env: dict[str, str]) -> list[str]:
    """Each serving stack on its own fresh database, measured the same way in this run: the
    compare page and the answer POST as ratios to the reference stack's /healthz (the first
    one, gunicorn sync), p99, keep-alive, and /healthz while 8 stalled uploads are held."""
    results = []
    for stack in args.stacks:
        try:
            server = Server(workers=args.workers, env=env, stack=stack)
            server.start()
        except (RuntimeError, FileNotFoundError, subprocess.CalledProcessError) as exc:
            server.stop()
            results.append({"stack": stack, "error": str(exc).splitlines()[0]})
            continue
        try:
            url, client = server.url, Client(server.url)
            base = Row("/healthz", "/healthz", dict(ACCEPT), "baseline")
            page = Row("compare (full)", "/compare", dict(ACCEPT))
            for row in (base, page):
                drive(tool, url, row, args, duration=1)
            health = drive(tool, url, base, args)
            compare = drive(tool, url, page, args)
            answer = None
            quiz = Client(url)
            try:
                start_practice(quiz)
                needed = int(health["rps"] * 0.4 * args.duration * 1.15) + 200
                pool, _ = build_answer_pool(server, quiz, needed)
                cookie = {"Cookie": quiz.cookie_header()}
                row = Row("answer", pool[0][0], {**ACCEPT, **cookie, "HX-Request": "true"},
                          "answer", "POST")
                answer = drive(tool, url, row, args, pool=pool)
            except QuizSetupError as exc:
                print(f"  {stack}: answer pool failed: {exc}", file=sys.stderr)
            stall = stalled_uploads(url)
            alive = keeps_alive(url)
            ok = client.get("/healthz").status == 200
            results.append({"stack": stack, "health": health, "compare": compare,
                            "answer": answer, "stall": stall, "keepalive": alive,
                            "alive_after": ok})
            print(f"  stack {stack}: /healthz {health['rps']:.0f} req/s, compare "
                  f"{compare['rps']:.0f}, stalled p99 {stall['p99']:.0f} ms", file=sys.stderr)
        finally:
            server.stop()
    reference = next((r["health"]["rps"] for r in results if "health" in r), 0) or float("nan")
    lines = [f"serving stacks ({args.workers} workers or processes where the stack has them, "
             f"{8} threads where it has threads; ratios divide by the first stack's /healthz, "
             f"{reference:.0f} req/s):", ""]
    header = ("| stack | /healthz req/s | compare req/s (ratio) | compare p99 ms | "
              "answer POST req/s (ratio) | answer p99 ms | keep-alive | "
              "/healthz + / with 8 stalled uploads: p50 / p99 / max ms, failures |")
    lines += [header, "|" + "---|" * 8]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['stack']} | not measured: {r['error']} |" + " |" * 6)
            continue
        h, c, a, st = r["health"], r["compare"], r["answer"], r["stall"]
        answer_cells = (f"{a['rps']:.0f} ({a['rps'] / reference:.2f}) | {a['p99']:.1f}"
                        if a else "- | -")
        lines.append(
            f"| {r['stack']} | {h['rps']:.0f} | {c['rps']:.0f} ({c['rps'] / reference:.2f}) | "
            f"{c['p99']:.1f} | {answer_cells} | {'yes' if r['keepalive'] else 'no'} | "
            f"{st['p50']:.0f} / {st['p99']:.0f} / {st['max']:.0f}, {st['failures']} of "
            f"{st['requests']} |")
    return lines


def nginx_rows(server: Server, workers: int) -> tuple[object, list[Row]]:
    """Two more rows for the compare page, as a context manager and its rows: through the
    shipped nginx front (deploy/nginx.conf, proxy cache) and nginx sending the same compressed
    bytes from a file, the most any front can do with this page."""
    directory = server.tmp / "nginx"
    files = directory / "files"
    files.mkdir(parents=True, exist_ok=True)
    reply = Client(server.url).get("/compare", ACCEPT)
    encoding = reply.headers.get("content-encoding", "identity")
    (files / "compare.body").write_bytes(reply.body)
    front, plain = free_port(), free_port()
    extra = f"""
    server {{
        listen 127.0.0.1:{plain};
        root {files};
        location = /compare {{
            default_type "text/html; charset=utf-8";
            add_header Content-Encoding {encoding};
            add_header Vary "HX-Request, Accept-Encoding";
            try_files /compare.body =404;
        }}
        location = /healthz {{ return 200 "ok"; }}
    }}"""
    config = nginx_config(NGINX_CONF.read_text(), directory, server.port, front,
                          workers=workers, extra=extra)
    rows = [Row("compare via nginx front", "/compare", dict(ACCEPT), "front",
                base=f"http://127.0.0.1:{front}"),
            Row("compare: nginx from a file", "/compare", dict(ACCEPT), "file",
                base=f"http://127.0.0.1:{plain}")]
    return nginx_running(directory, config, front), rows


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--no-render-cache", action="store_true")
    parser.add_argument("--no-nginx", dest="nginx", action="store_false",
                        help="skip the two nginx rows (front with its cache, file)")
    parser.add_argument("--stacks", nargs="*", default=list(STACKS), choices=STACKS,
                        help="serving stacks to compare after the main table (none: skip)")
    args = parser.parse_args(argv)

    tool = args.tool
    if tool == "auto":
        tool = "wrk" if wrk_path() else "python"
    if tool == "wrk" and not wrk_path():
        print("wrk is not installed (make bench installs it when run as root)", file=sys.stderr)
        return 2
    tool_line = (f"wrk {args.threads} threads / {args.connections} connections"
                 if tool == "wrk" else
                 f"Python load loop ({args.connections} threads, wrk not installed)")
    env = {"RENDER_CACHE": "0"} if args.no_render_cache else {}
    started_at = dt.datetime.now(dt.timezone.utc)
    load_before = os.getloadavg()[0]

    with Server(workers=args.workers, env=env, stack=DEFAULT_STACK) as server:
        url = server.url
        client = Client(url)
        provider = first_link(client, "/", "/providers/", 2) or "/providers/aws"
        service = first_link(client, provider, "/services/", 3) or "/services/aws/lambda"
        architecture = first_link(client, "/architectures", "/architectures/", 2) \
            or "/architectures"
        quiz_client = Client(url)
        try:
            question = start_practice(quiz_client)
        except QuizSetupError as exc:
            print(f"quiz set-up failed: {exc}", file=sys.stderr)
            question = None
        cookie = {"Cookie": quiz_client.cookie_header()}
        rows = [
            Row("/healthz (baseline)", "/healthz", dict(ACCEPT), "baseline"),
            Row("home", "/", dict(ACCEPT)),
            Row("provider page", provider, dict(ACCEPT)),
            Row("compare (full)", "/compare", dict(ACCEPT)),
            Row("compare (fragment)", "/compare", {**ACCEPT, "HX-Request": "true"}),
            Row("service page", service, dict(ACCEPT)),
            Row("architecture page", architecture, dict(ACCEPT)),
            Row("search", "/search?q=database", dict(ACCEPT)),
        ]
        if question:
            rows.append(Row("quiz question GET", question, {**ACCEPT, **cookie}, "quiz"))
        for row in rows:
            if client.get(row.path, row.headers).status != 200:
                row.note = f"status {client.get(row.path, row.headers).status}"
        # Warm-up: every worker renders every page once (and fills its render cache).
        for row in rows:
            drive(tool, url, row, args, duration=1)
        # Baseline, row, baseline, row, ..., baseline: each row's ratio uses the two baseline
        # runs around it, so a change in background load during the run moves both alike.
        baselines = [drive(tool, url, rows[0], args)]
        for row in rows[1:]:
            row.result = drive(tool, url, row, args)
            baselines.append(drive(tool, url, rows[0], args))
            row.local_base = (baselines[-2]["rps"] + baselines[-1]["rps"]) / 2
            print(f"  measured {row.name}: {row.result['rps']:.0f} req/s "
                  f"(baseline around it {row.local_base:.0f})", file=sys.stderr)
        answer_row = None
        if question:
            needed = int(max(b["rps"] for b in baselines) * args.duration * 1.15) + 200
            t0 = time.monotonic()
            try:
                pool, exams_started = build_answer_pool(server, quiz_client, needed)
            except QuizSetupError as exc:
                print(f"answer pool set-up failed: {exc}", file=sys.stderr)
                pool, exams_started = [], 0
            prep = time.monotonic() - t0
            if pool:
                before = drive(tool, url, rows[0], args)
                answered_before = answered_count(server)
                answer_row = Row("quiz answer POST (htmx)", pool[0][0],
                                 {**ACCEPT, **cookie, "HX-Request": "true"}, "answer", "POST")
                answer_row.result = drive(tool, url, answer_row, args, pool=pool)
                fresh = answered_count(server) - answered_before
                baselines += [before, drive(tool, url, rows[0], args)]
                answer_row.local_base = (baselines[-2]["rps"] + baselines[-1]["rps"]) / 2
                answer_row.note = (
                    f"{fresh} answers recorded by {answer_row.result['requests']} completed "
                    f"requests (in-flight ones at the end also count); "
                    f"pool of {len(pool)} unanswered questions from {exams_started} exams "
                    f"started through POST /quiz/exams/<slug> ({prep:.0f} s)")
                rows.append(answer_row)
        if args.nginx and nginx_binary():
            running, front_rows = nginx_rows(server, args.workers)
            with running:
                for row in front_rows:
                    hit = Client(row.base).get(row.path, row.headers)
                    drive(tool, row.base, row, args, duration=1)
                    if hit.status != 200:
                        row.note = f"status {hit.status}"
                    row.result = drive(tool, row.base, row, args)
                    baselines.append(drive(tool, url, rows[0], args))
                    row.local_base = (baselines[-2]["rps"] + baselines[-1]["rps"]) / 2
                    cache = Client(row.base).get(row.path, row.headers).headers.get(
                        "x-cache-status")
                    row.note = row.note or (f"nginx cache {cache}" if cache else "")
                    row.page_bytes = len(Client(row.base).get(row.path, row.headers).body)
                    print(f"  measured {row.name}: {row.result['rps']:.0f} req/s",
                          file=sys.stderr)
                    rows.append(row)
        elif args.nginx:
            print("nginx is not installed (make nginx): no nginx rows", file=sys.stderr)
        rows[0].result = {
            "rps": statistics.mean(b["rps"] for b in baselines),
            "p50": statistics.median(b["p50"] for b in baselines),
            "p99": statistics.median(b["p99"] for b in baselines),
            "requests": sum(b["requests"] for b in baselines),
            "errors": sum(b["errors"] for b in baselines),
            "bad_status": sum(b["bad_status"] for b in baselines),
        }
        rows[0].local_base = rows[0].result["rps"]
        rss = [(pid, server.rss_mib(pid)) for pid in server.worker_pids()]
        for row in rows:
            if row.kind not in ("answer", "front", "file"):
                row.page_bytes, row.total_bytes, _ = transferred(
                    Client(url), row.path, {k: v for k, v in row.headers.items()
                                            if k != "Accept-Encoding"})

    stack_lines = compare_stacks(tool, args, env) if args.stacks else []
    load_after = os.getloadavg()[0]
    engine_line = quiz_engine_timing()
    base = rows[0].result["rps"]
    print()
    print(f"make bench — {started_at:%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"load tool: {tool_line}; {args.duration:g} s per endpoint after a 1 s warm-up; "
          f"{DEFAULT_STACK} ({args.workers} workers, as make run); SQLite; render cache "
          f"{'OFF' if args.no_render_cache else 'on'}")
    print(f"1-minute load average: {load_before:.2f} before, {load_after:.2f} after (other "
          f"processes on the machine share the cores with the server and wrk)")
    print(f"baseline /healthz: measured {len(baselines)} times, between each two endpoints: "
          f"{min(b['rps'] for b in baselines):.0f} to {max(b['rps'] for b in baselines):.0f} "
          f"req/s (mean {base:.0f}); each ratio divides by the mean of the two baseline runs "
          f"around that endpoint (the baseline row shows their mean and medians)")
    print()
    header = (f"| {'endpoint':<26} | {'path':<34} | {'req/s':>7} | {'ratio':>5} | "
              f"{'p50 ms':>6} | {'p99 ms':>7} | {'errors':>6} | {'page KB':>7} | "
              f"{'+CSS+JS KB':>10} | {'target':<9} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for row in rows:
        r = row.result
        ratio = r["rps"] / row.local_base if row.local_base else float("nan")
        target = ""
        if row.kind == "content":
            target = f"{'PASS' if ratio >= CONTENT_TARGET else 'MISS'} ≥{CONTENT_TARGET}"
        elif row.kind == "answer":
            target = f"{'PASS' if ratio >= ANSWER_TARGET else 'MISS'} ≥{ANSWER_TARGET}"
        errors = r["errors"] + r["bad_status"]
        page = f"{row.page_bytes / 1024:.1f}" if row.page_bytes is not None else "-"
        total = f"{row.total_bytes / 1024:.1f}" if row.total_bytes is not None else "-"
        path = row.path if len(row.path) <= 34 else row.path[:31] + "..."
        print(f"| {row.name:<26} | {path:<34} | {r['rps']:>7.0f} | {ratio:>5.2f} | "
              f"{r['p50']:>6.1f} | {r['p99']:>7.1f} | {errors:>6} | {page:>7} | {total:>10} | "
              f"{target:<9} |")
    print()
    home = next(r for r in rows if r.name == "home")
    print(f"first load of home (HTML + CSS + JS + icon, compressed): "
          f"{home.total_bytes / 1024:.1f} KB — "
          f"{'PASS' if home.total_bytes < FIRST_LOAD_LIMIT else 'MISS'} (< 60 KB)")
    print("worker memory after the run (RSS): " +
          ", ".join(f"pid {pid} {mib:.0f} MiB" for pid, mib in rss))
    if answer_row is not None:
        print(f"answer POST: {answer_row.note}")
    by_kind = {row.kind: row for row in rows}
    if "front" in by_kind and "file" in by_kind:
        front, file = by_kind["front"].result["rps"], by_kind["file"].result["rps"]
        app = next(r for r in rows if r.name == "compare (full)").result["rps"]
        print(f"compare page: nginx front {front:.0f} req/s = {front / file:.2f} of nginx "
              f"serving the same bytes from a file ({file:.0f}); the app alone {app:.0f} = "
              f"{app / file:.2f} of it")
    for row in rows:
        if row.kind != "answer" and row.note:
            print(f"note: {row.name}: {row.note}")
    print(engine_line)
    if stack_lines:
        print()
        print("\n".join(stack_lines))
        print()
    print("targets: content pages >= 0.7 of the baseline, answer POST >= 0.4 (the quiz "
          "question GET has none: it is per learner, never cached). The bench never fails on "
          "a MISS.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
