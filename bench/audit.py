"""``make audit``: Lighthouse (mobile, its default) on the home page, a provider page, the
comparison, an architecture (its diagram with boundaries, considerations and cards) and a quiz
question, with the app under granian (as make run) on a freshly seeded database.

The quiz question belongs to a learner, so the audit starts a practice attempt through the real
form first and hands Lighthouse that session cookie (``--extra-headers``). Prints the four
category scores per page with the targets: 1.0 for accessibility, best practices and SEO,
at least 0.95 for performance (simulated throttling; noisy on a busy 2-core machine). Exits 0
whatever the scores (like ``make bench``), non-zero only if Lighthouse itself could not run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ROOT,
    Client,
    QuizSetupError,
    Server,
    local_path,
    parse,
    start_practice,
)

CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                "--disable-background-networking --disable-component-update --disable-sync "
                "--no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}


def lighthouse(url: str, out: Path, headers: dict[str, str] | None = None) -> dict:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    cmd = [str(binary) if binary.exists() else "npx", *([] if binary.exists() else ["lighthouse"]),
           url, f"--chrome-flags={CHROME_FLAGS}", "--output=json", f"--output-path={out}",
           "--quiet", f"--only-categories={','.join(CATEGORIES)}"]
    if headers:
        cmd.append(f"--extra-headers={json.dumps(headers)}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, timeout=240,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    report = json.loads(out.read_text())
    scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
    failing = []
    for ref in report["categories"]["accessibility"]["auditRefs"] + \
            report["categories"]["best-practices"]["auditRefs"] + \
            report["categories"]["seo"]["auditRefs"]:
        audit = report["audits"].get(ref["id"], {})
        if ref.get("weight", 0) > 0 and audit.get("score") not in (None, 1):
            failing.append(ref["id"])
    return {"scores": scores, "failing": failing}


def main() -> int:
    started = dt.datetime.now(dt.timezone.utc)
    rows = []
    with Server(workers=2) as server, tempfile.TemporaryDirectory() as tmp:
        client = Client(server.url)
        provider = next((local_path("/", h) for h in parse(client.get("/").text).links
                         if h.startswith("/providers/")), "/providers/aws")
        pages = [("home", "/", None), ("provider page", provider, None),
                 ("compare", "/compare", None),
                 ("architecture", "/architectures/three-tier?provider=aws", None)]
        quiz = Client(server.url)
        try:
            question = start_practice(quiz)
            pages.append(("quiz question", question, {"Cookie": quiz.cookie_header()}))
        except QuizSetupError as exc:
            print(f"quiz question not audited: {exc}", file=sys.stderr)
        for name, path, headers in pages:
            out = Path(tmp) / f"{len(rows)}.json"
            try:
                result = lighthouse(server.url + path, out, headers)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError,
                    KeyError, json.JSONDecodeError) as exc:
                err = getattr(exc, "stderr", b"") or b""
                print(f"Lighthouse failed on {path}: {exc}\n{err.decode(errors='replace')[-2000:]}",
                      file=sys.stderr)
                return 1
            rows.append((name, path, result))
            print(f"  audited {name}", file=sys.stderr)
    print()
    print(f"make audit — {started:%Y-%m-%d %H:%M} UTC — Lighthouse (mobile, simulated "
          f"throttling), Chromium {os.environ.get('CHROME_PATH', '/usr/bin/chromium')}")
    print()
    print(f"| {'page':<14} | {'path':<36} | performance | accessibility | best practices |  SEO  |")
    print(f"|{'-' * 16}|{'-' * 38}|-------------|---------------|----------------|-------|")
    for name, path, result in rows:
        s = result["scores"]
        shown = path if len(path) <= 36 else path[:33] + "..."
        cells = []
        for c, width in zip(CATEGORIES, (11, 13, 14, 5)):
            mark = "" if (s[c] or 0) >= TARGETS[c] else "*"
            cells.append(f"{(s[c] or 0):.2f}{mark}".rjust(width))
        print(f"| {name:<14} | {shown:<36} | " + " | ".join(cells) + " |")
    print()
    print("targets: performance >= 0.95, accessibility = best practices = SEO = 1.00; "
          "* marks a MISS")
    for name, _, result in rows:
        if result["failing"]:
            print(f"{name}: audits below 1: {', '.join(result['failing'])}")
    all_pass = all((r["scores"][c] or 0) >= TARGETS[c] for _, _, r in rows for c in CATEGORIES)
    print("all targets: " + ("PASS" if all_pass else "MISS"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
