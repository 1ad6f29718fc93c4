"""The HTML of every page (and of every htmx fragment) is valid, by the Nu HTML Checker.

Pages are found by crawling from the home page (each path with one of its filter views),
rendered by the test client into files, and checked in one ``vnu.jar`` run (the checker refuses
127.0.0.1 URLs, and one JVM start for all files is fast). htmx attributes are not HTML, so the
checker's complaints about ``hx-*`` attributes are filtered out; nothing else is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from tests.support.crawl import crawl
from tests.support.paths import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.java]

VNU = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HX_FILTER = ".*Attribute .hx-[a-z:-]+. not allowed.*"

# Each fragment the hub swaps, requested as htmx does (plain htmx request, not boosted).
FRAGMENTS = [
    "/providers/aws?category=compute", "/providers/gcp?category=", "/providers/azure?category=x",
    "/compare?q=storage", "/compare?show=aws&show=gcp", "/compare?q=zzzz",
    "/compare?category=nope&show=ibm", "/learn?provider=azure", "/learn?provider=ibm",
    "/search?q=azure+ad", "/search", "/search?q=zzzz",
    "/architectures/b2b?provider=aws", "/architectures/b2c/nodes/cdn", "/devops/stages/build",
]
# Pages no link leads to, but a user can still reach.
EXTRA_PAGES = ["/compare?q=zzzz", "/search?q=%3Cb%3E", "/providers/nope", "/no/such/page",
               "/learn?provider=ibm"]

WRAPPER = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
           "<title>fragment</title></head><body>{}</body></html>")


def checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed: the Nu HTML Checker needs it (apt-get install "
                    "default-jre-headless)")
    if not VNU.exists():
        pytest.skip(f"{VNU.relative_to(PROJECT_ROOT)} is missing: run `npm ci` (vnu-jar is a "
                    "devDependency)")
    return [java, "-jar", str(VNU)]


def file_name(url: str, kind: str) -> str:
    return kind + "_" + quote(url, safe="")[:180].replace("%", "_") + ".html"


def test_every_page_and_fragment_is_valid_html(site: Flask, tmp_path: Path) -> None:
    command = checker()
    client = site.test_client()
    files: dict[Path, str] = {}
    pages = {p.url: p.html for p in crawl(site, variants_per_path=1).html_pages()}
    for url in EXTRA_PAGES:
        response = client.get(url)
        assert response.mimetype == "text/html", url
        pages[url] = response.get_data(as_text=True)
    for url, html in pages.items():
        path = tmp_path / file_name(url, "page")
        path.write_text(html, encoding="utf-8")
        files[path] = url
    for url in FRAGMENTS:
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "<html" not in body, url
        path = tmp_path / file_name(url, "fragment")
        path.write_text(WRAPPER.format(body), encoding="utf-8")
        files[path] = f"{url} (htmx fragment)"
    assert len(files) > 50

    run = subprocess.run([*command, "--errors-only", "--format", "json", "--filterpattern",
                          HX_FILTER, *map(str, files)], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    assert run.returncode == 0 or report.get("messages"), run.stderr[-2000:]
    problems = []
    for msg in report.get("messages", []):
        where = files.get(Path(msg.get("url", "").removeprefix("file:")), msg.get("url"))
        problems.append(f"{where}: line {msg.get('lastLine')}: {msg.get('message')} "
                        f"[{msg.get('extract', '').strip()[:80]}]")
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])
