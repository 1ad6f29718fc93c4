"""``make load``: locust headless against make run's server (granian) on a freshly seeded database.

200 simulated users (3 browsing for 1 taking quizzes) for 60 s by default. Prints locust's
summary; exits non-zero if any request failed (locust's own exit code) or locust could not run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN, ROOT, Server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--time", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with Server(workers=args.workers) as server:
        print(f"make load: {args.users} users for {args.time} s against granian "
              f"({args.workers} worker processes, SQLite) at {server.url}", flush=True)
        cmd = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "--users", str(args.users), "--spawn-rate", str(max(1, args.users // 10)),
               "--run-time", f"{args.time}s", "--host", server.url, "--only-summary",
               "--stop-timeout", "10", "--loglevel", "WARNING"]
        result = subprocess.run(cmd, cwd=ROOT, timeout=args.time + 180)
        if result.returncode != 0:
            print(f"make load: FAILED (locust exit code {result.returncode}: some requests "
                  f"failed or locust could not run)", file=sys.stderr)
            print(server.log_text()[-3000:], file=sys.stderr)
        else:
            print("make load: PASS (zero failed requests)")
        return result.returncode


if __name__ == "__main__":
    sys.exit(main())
