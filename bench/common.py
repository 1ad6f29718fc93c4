"""Shared by ``make bench``, ``make audit`` and ``make load``: the app under a serving stack on a freshly
seeded SQLite database in a temporary directory, a tiny cookie-keeping HTTP client, and the quiz
set-up done through the app's real endpoints (forms, CSRF tokens, redirects).

Everything stays on 127.0.0.1 and every server this starts is stopped by the same process.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- server


# The serving stacks `make bench` compares; `make run` uses DEFAULT_STACK with the same flags
# (Makefile `serve`). Each entry: command for (port, workers), and whether workers are child
# processes of the server process (waitress is one process with threads).
BLOCKING_THREADS = 8


def stack_command(stack: str, port: int, workers: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    if stack == "gunicorn-sync":
        return [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", bind,
                "--backlog", "2048", "--graceful-timeout", "5", "cloudquiz:create_app()"]
    if stack == "gunicorn-gthread":
        return [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "gthread",
                "--threads", str(BLOCKING_THREADS), "--bind", bind, "--backlog", "2048",
                "--graceful-timeout", "5", "cloudquiz:create_app()"]
    if stack == "granian":
        return [str(BIN / "granian"), "--interface", "wsgi", "--workers", str(workers),
                "--blocking-threads", str(BLOCKING_THREADS), "--host", "127.0.0.1",
                "--port", str(port), "--backlog", "2048", "--http", "1",
                "--http1-header-read-timeout", "10000", "--workers-kill-timeout", "10",
                "--no-access-log", "--factory", "cloudquiz:create_app"]
    if stack == "waitress":
        return [str(BIN / "waitress-serve"), "--threads", str(BLOCKING_THREADS),
                "--channel-timeout", "30", "--listen", bind, "--call", "cloudquiz:create_app"]
    raise ValueError(f"unknown stack {stack!r}")


STACKS = ("gunicorn-sync", "gunicorn-gthread", "granian", "waitress")
DEFAULT_STACK = "granian"


class Server:
    """A serving stack (default: ``make run``'s) on ``cloudquiz:create_app()`` with a fresh,
    migrated and seeded SQLite DB."""

    def __init__(self, workers: int = 2, env: dict[str, str] | None = None,
                 stack: str = DEFAULT_STACK) -> None:
        self.workers, self.stack = workers, stack
        self.extra_env = env or {}
        self.tmp = Path(tempfile.mkdtemp(prefix="cloudquiz-bench-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {k: v for k, v in os.environ.items() if k not in ("CLOUDQUIZ_DEV",
                                                                      "FLASK_DEBUG")}
        self.env.update({
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{self.tmp / 'bench.db'}",
            "SEED_DIR": str(ROOT / "seed"),
            **self.extra_env,
        })

    def prepare_database(self) -> None:
        flask = [str(BIN / "flask"), "--app", "cloudquiz"]
        for args in (["db", "upgrade"], ["seed"]):
            subprocess.run(flask + args, cwd=ROOT, env=self.env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        self.prepare_database()
        self.log = open(self.tmp / "server.log", "wb")
        cmd = stack_command(self.stack, self.port, self.workers)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        children = 1 if self.stack == "waitress" else self.workers
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.stack} exited:\n" + self.log_text())
            try:
                if Client(self.url).get("/healthz").status == 200 and \
                        len(self.worker_pids()) >= children:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.stack} did not answer /healthz within 60 s:\n"
                           + self.log_text())

    def log_text(self) -> str:
        try:
            return (self.tmp / "server.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        if self.stack == "waitress":  # one process, threads inside
            return [self.proc.pid]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    @staticmethod
    def rss_mib(pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server and its workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Server:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def running_server(**kw) -> Iterator[Server]:
    with Server(**kw) as server:
        yield server


# ----------------------------------------------------------------------------- nginx

NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    """Debian's nginx (``make nginx`` installs it), or None."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)


def nginx_config(snippet: str, directory: Path, app_port: int, port: int,
                 workers: int = 1, extra: str = "") -> str:
    """The shipped snippet (deploy/nginx.conf) with these ports and paths, in a complete
    nginx.conf; ``extra`` is more http-context configuration (another server block)."""
    body = snippet.replace("/var/cache/nginx/cloudquiz", str(directory / "cache"))
    body = body.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    body = body.replace("listen 80;", f"listen 127.0.0.1:{port};")
    if not (str(directory) in body and str(port) in body and str(app_port) in body):
        raise ValueError("deploy/nginx.conf no longer has the lines this rewrites")
    temp = "\n".join(f"    {kind}_temp_path {directory / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the temp dir
    return (f"{user}worker_processes {workers};\npid {directory / 'nginx.pid'};\n"
            f"error_log {directory / 'error.log'} warn;\n"
            f"events {{ worker_connections 1024; }}\n"
            f"http {{\n    access_log off;\n{temp}\n{body}\n{extra}\n}}\n")


@contextmanager
def nginx_running(directory: Path, config: str, port: int,
                  ready_path: str = "/healthz") -> Iterator[subprocess.Popen[bytes]]:
    """nginx with ``config`` in ``directory`` until the block ends; ready once ``port``
    answers ``ready_path`` with 200 (15 s at most)."""
    nginx = nginx_binary()
    if nginx is None:
        raise FileNotFoundError("nginx is not installed: make nginx (apt-get install "
                                "nginx-light)")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "nginx.conf").write_text(config)
    proc = subprocess.Popen([nginx, "-c", str(directory / "nginx.conf"), "-p", str(directory),
                             "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, last = time.monotonic() + 15, None
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", ready_path)
                last = conn.getresponse().status
                conn.close()
                if last == 200:
                    break
            except OSError as exc:
                last = exc
            log = directory / "error.log"
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer {ready_path} with 200 ({last}):\n"
                                   + (log.read_text()[-2000:] if log.exists() else ""))
            time.sleep(0.1)
        yield proc
    finally:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ----------------------------------------------------------------------------- client


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """HTTP/1.1 to the server with a cookie jar; never follows redirects on its own."""

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            for key, value in resp.getheaders():
                if key.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict[str, str | list[str]],
             headers: dict[str, str] | None = None) -> Reply:
        body = urlencode(data, doseq=True).encode()
        return self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


# ----------------------------------------------------------------------------- HTML forms


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **override: str | list[str]) -> dict[str, str | list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in self.fields:
            out.setdefault(name, []).append(value)
        for name, value in override.items():
            out[name] = value if isinstance(value, list) else [value]
        return {k: (v[0] if len(v) == 1 else v) for k, v in out.items()}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.assets: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and "stylesheet" in attrs.get("rel", "") and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "link" and "icon" in attrs.get("rel", "") and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        elif tag == "form":
            self._form = Form(attrs.get("action", ""), (attrs.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                self._form.choices.setdefault(attrs["name"], []).append(attrs.get("value", ""))
                if "checked" in attrs:
                    self._form.fields.append((attrs["name"], attrs.get("value", "")))
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.append((attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    return parser


def local_path(base_path: str, href: str) -> str:
    parts = urlsplit(urljoin("http://x" + base_path, href))
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ----------------------------------------------------------------------------- quiz set-up


class QuizSetupError(RuntimeError):
    pass


def start_practice(client: Client, count: str | None = None) -> str:
    """Start a practice attempt through /quiz; returns the first question's path."""
    page = client.get("/quiz")
    if page.status != 200:
        raise QuizSetupError(f"/quiz answered {page.status}")
    for form in parse(page.text).forms:
        if form.method == "post" and form.action.endswith("/practice"):
            override = {"count": count} if count else {}
            reply = client.post(local_path("/quiz", form.action), form.data(**override))
            if reply.status in (302, 303):
                return local_path("/quiz", reply.headers["location"])
            raise QuizSetupError(f"practice start answered {reply.status}")
    raise QuizSetupError("no practice form on /quiz")


def exam_paths(client: Client) -> list[str]:
    page = client.get("/quiz")
    links = [local_path("/quiz", h) for h in parse(page.text).links]
    return sorted({p for p in links if re.fullmatch(r"/quiz/exams/[\w-]+", p)})


def start_exam(client: Client, exam_path: str) -> str:
    page = client.get(exam_path)
    for form in parse(page.text).forms:
        if form.method == "post":
            reply = client.post(local_path(exam_path, form.action or exam_path), form.data())
            if reply.status in (302, 303):
                return local_path(exam_path, reply.headers["location"])
            raise QuizSetupError(f"exam start {exam_path} answered {reply.status}")
    raise QuizSetupError(f"no start form on {exam_path}")


def question_form(client: Client, path: str) -> Form:
    page = client.get(path)
    for form in parse(page.text).forms:
        if form.method == "post" and "choice" in form.choices:
            return form
    raise QuizSetupError(f"no answer form on {path} (status {page.status})")


def csrf_token(client: Client, path: str) -> str:
    return dict(question_form(client, path).fields)["csrf_token"]


def question_count(client: Client, first_question: str) -> int:
    html = client.get(first_question).text
    match = re.search(r"Question \d+ of (\d+)", html)
    return int(match.group(1)) if match else 1
