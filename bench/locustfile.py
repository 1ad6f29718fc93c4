"""Locust scenario of ``make load``: readers browsing the hub and learners taking quizzes.

Browsers (3 of 4 users) read the home page, provider, service, comparison (full page and htmx
fragment, filtered), architecture, DevOps, learning and search pages and their static files.
Quiz takers (1 of 4) start a practice through the real form (CSRF token included), answer every
question as htmx does or as a plain form does, then read their results and progress, and start
again. Any status >= 400 counts as a failure; ``make load`` fails if there is one.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import local_path, parse  # noqa: E402

WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}
SEARCHES = ["lambda", "database", "kubernetes", "storage", "serverless", "monitoring", "zzz"]


class Browser(HttpUser):
    weight = 3
    wait_time = between(0.5, 2.5)

    def on_start(self) -> None:
        home = self.client.get("/", name="/")
        page = parse(home.text)
        self.assets = [a for a in page.assets if a.startswith("/static/")]
        self.providers = [h for h in page.links if h.startswith("/providers/")] or ["/providers/aws"]
        self.services: list[str] = []
        self.architectures: list[str] = []
        for provider in self.providers[:3]:
            links = parse(self.client.get(provider, name="/providers/[slug]").text).links
            self.services += [h for h in links if h.startswith("/services/")]
        links = parse(self.client.get("/architectures", name="/architectures").text).links
        self.architectures = [h for h in links if re.fullmatch(r"/architectures/[\w-]+", h)]

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="/")
        for asset in self.assets:
            self.client.get(asset, name="/static/[hashed]")

    @task(3)
    def provider(self) -> None:
        self.client.get(random.choice(self.providers), name="/providers/[slug]")

    @task(3)
    def service(self) -> None:
        if self.services:
            self.client.get(random.choice(self.services), name="/services/[provider]/[slug]")

    @task(2)
    def compare(self) -> None:
        self.client.get("/compare", name="/compare")
        self.client.get("/compare?q=data", headers={"HX-Request": "true"},
                        name="/compare?q= (htmx)")

    @task(2)
    def architecture(self) -> None:
        if self.architectures:
            self.client.get(random.choice(self.architectures), name="/architectures/[slug]")

    @task(1)
    def other_sections(self) -> None:
        for path in ("/devops", "/learn"):
            self.client.get(path, name=path)

    @task(2)
    def search(self) -> None:
        self.client.get(f"/search?q={random.choice(SEARCHES)}", name="/search?q=")

    @task(1)
    def revalidate(self) -> None:
        first = self.client.get("/compare", name="/compare")
        etag = first.headers.get("ETag")
        if etag:
            with self.client.get("/compare", headers={"If-None-Match": etag},
                                 name="/compare (If-None-Match)", catch_response=True) as r:
                if r.status_code == 304:
                    r.success()
                else:
                    r.failure(f"expected 304, got {r.status_code}")


class QuizTaker(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.question: str | None = None

    def start_practice(self) -> None:
        page = parse(self.client.get("/quiz", name="/quiz").text)
        form = next(f for f in page.forms if f.method == "post" and f.action.endswith("/practice"))
        response = self.client.post(local_path("/quiz", form.action), data=form.data(),
                                    name="/quiz/practice (start)")
        # requests followed the 303: we are on question 1
        self.question = local_path("/", response.url.split("//", 1)[1].split("/", 1)[1]) \
            if response.ok else None

    @task
    def answer_next(self) -> None:
        if self.question is None:
            self.start_practice()
            return
        page = self.client.get(self.question, name="/quiz/attempts/[id]/[n]")
        html = page.text
        form = next((f for f in parse(html).forms if f.method == "post" and "choice" in f.choices),
                    None)
        if form is None:
            self.question = None
            return
        choose = re.search(r"Choose (two|three|four|five)", html)
        k = WORDS[choose.group(1)] if choose else 1
        options = form.choices["choice"]
        chosen = random.sample(options, min(k, len(options)))
        data = form.data(choice=chosen)
        htmx = random.random() < 0.5
        self.client.post(self.question, data=data,
                         headers={"HX-Request": "true"} if htmx else {},
                         name="/quiz/attempts/[id]/[n] (answer, htmx)" if htmx
                         else "/quiz/attempts/[id]/[n] (answer)")
        position = re.search(r"Question (\d+) of (\d+)", html)
        if position and position.group(1) == position.group(2):
            base = self.question.rsplit("/", 1)[0]
            self.client.get(base + "/results", name="/quiz/attempts/[id]/results")
            self.client.get("/progress", name="/progress")
            self.question = None
        else:
            base, n = self.question.rsplit("/", 1)
            self.question = f"{base}/{int(n) + 1}"
