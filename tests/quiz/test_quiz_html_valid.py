"""The quiz's stateful pages are valid HTML too: question, feedback, htmx fragments, the exam
review screen, results and progress (the crawler of test_html_valid cannot reach them: they
only exist after POSTs)."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from tests.support.quiz import answer, start_attempt
from tests.web.test_html_valid import HX_FILTER, WRAPPER, checker, file_name

pytestmark = [pytest.mark.slow, pytest.mark.java]


def test_quiz_pages_and_fragments_are_valid_html(app: Flask, tmp_path: Path) -> None:
    command = checker()
    client = app.test_client()
    pages: dict[str, str] = {}
    fragments: dict[str, str] = {}

    practice = start_attempt(client, "practice")
    assert practice
    pages["practice question"] = client.get(practice).get_data(as_text=True)
    fragments["practice answer (htmx)"] = answer(
        client, practice, headers={"HX-Request": "true"}).get_data(as_text=True)
    pages["practice feedback"] = client.get(practice).get_data(as_text=True)
    report = practice + "/report?back=question"
    pages["report form"] = client.get(report).get_data(as_text=True)
    fragments["report form (htmx)"] = client.get(
        report, headers={"HX-Request": "true"}).get_data(as_text=True)
    fragments["report sent (htmx)"] = client.post(
        practice + "/report", data={"reason": "unclear", "back": "question"},
        headers={"HX-Request": "true"}).get_data(as_text=True)
    pages["reported feedback"] = client.get(practice).get_data(as_text=True)

    exam = start_attempt(client, "exam")
    assert exam
    base = exam.rsplit("/", 1)[0]
    pages["exam question"] = client.get(exam).get_data(as_text=True)
    assert answer(client, exam).status_code in (200, 303)
    pages["exam review"] = client.get(f"{base}/review").get_data(as_text=True)
    finish = client.post(f"{base}/finish")
    assert finish.status_code == 303, finish.status_code
    pages["exam results"] = client.get(finish.headers["Location"]).get_data(as_text=True)
    pages["progress"] = client.get("/progress").get_data(as_text=True)
    pages["quiz start"] = client.get("/quiz").get_data(as_text=True)
    pages["import form"] = client.get("/progress/import").get_data(as_text=True)
    exported = client.get("/progress/export").get_data()
    pages["import done"] = client.post(
        "/progress/import", data={"file": (io.BytesIO(exported), "p.json")},
        content_type="multipart/form-data").get_data(as_text=True)
    pages["import refused"] = client.post(
        "/progress/import", data={"file": (io.BytesIO(b"{}"), "p.json")},
        content_type="multipart/form-data").get_data(as_text=True)

    files: dict[Path, str] = {}
    for label, html in pages.items():
        assert "<html" in html, label
        path = tmp_path / file_name(label, "page")
        path.write_text(html, encoding="utf-8")
        files[path] = label
    for label, html in fragments.items():
        assert "<html" not in html, label
        # htmx takes a <title> out of a swapped response to update the tab's title: in a
        # document it belongs in the head, where the wrapper already has one.
        html = re.sub(r"<title>.*?</title>", "", html, count=1, flags=re.DOTALL)
        path = tmp_path / file_name(label, "fragment")
        path.write_text(WRAPPER.format(html), encoding="utf-8")
        files[path] = label

    run = subprocess.run([*command, "--errors-only", "--format", "json", "--filterpattern",
                          HX_FILTER, *map(str, files)], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    problems = [f"{files.get(Path(m.get('url', '').removeprefix('file:')), m.get('url'))}: "
                f"line {m.get('lastLine')}: {m.get('message')}"
                for m in report.get("messages", [])]
    assert not problems, "\n".join(problems[:40])
