"""Every fact of the seed page is on the site: the test walks the real pages from the home page
and looks for each service card, service, best practice and comparison cell read from ``seed/``
(the YAML files themselves, not the database, so a loader that dropped something is caught)."""

from __future__ import annotations

import pytest
import yaml
from flask import Flask

from tests.support.app import SEED_DIR
from tests.support.crawl import Crawl, Page
from tests.support.html import normalise, page_text
from tests.support.seedfiles import records

# walks the site crawl of conftest with tests/web/test_crawl.py, on one xdist worker
pytestmark = pytest.mark.xdist_group("site_crawl")


def seed(name: str) -> dict:
    """A collection's records under its key, merged over ``name`` and ``name/*.yaml``."""
    stem = name.removesuffix(".yaml")
    if (SEED_DIR / stem).is_dir():
        return {stem: records(SEED_DIR, stem)}
    return yaml.safe_load((SEED_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def texts(site_crawl: tuple[Flask, Crawl]) -> dict[str, str]:
    """The visible text of every page reachable from the home page, one view per path (the
    first the crawl reached): the crawl is conftest's, shared with tests/web/test_crawl.py."""
    _, result = site_crawl
    assert result.complete
    first: dict[str, Page] = {}
    for p in result.html_pages():
        first.setdefault(p.url.split("?")[0], p)
    return {p.url: p.text for p in first.values()}


@pytest.fixture(scope="module")
def all_text(texts: dict[str, str]) -> str:
    return "\n".join(texts.values())


def page(site: Flask, url: str) -> str:
    response = site.test_client().get(url)
    assert response.status_code == 200, url
    return page_text(response.get_data(as_text=True))


def missing(facts: list[str], text: str) -> list[str]:
    return [f for f in facts if normalise(f) not in text]


def test_the_walk_reaches_every_kind_of_page(texts: dict[str, str]) -> None:
    prefixes = ("/providers/", "/services/", "/compare", "/learn", "/search")
    for prefix in prefixes:
        assert any(url.startswith(prefix) for url in texts), prefix


def test_every_service_card_is_on_its_provider_page(site: Flask) -> None:
    services = seed("services.yaml")["services"]
    for provider in {s["provider"] for s in services}:
        text = page(site, f"/providers/{provider}")
        cards = [s for s in services if s["provider"] == provider and s.get("card")]
        assert len(cards) == 12, provider
        facts = []
        for s in cards:
            facts.append(s["card"].get("title") or s.get("short_name") or s["name"])
            facts.append(s["card"].get("text") or s["summary"])
            facts.append(s["card"]["label"])
        assert not missing(facts, text), provider


def test_every_service_name_and_summary_is_on_some_page(all_text: str) -> None:
    facts = [f for s in seed("services.yaml")["services"] for f in (s["name"], s["summary"])]
    assert not missing(facts, all_text)


def test_every_former_name_is_on_some_page(all_text: str) -> None:
    facts = [a["name"] for s in seed("services.yaml")["services"] for a in s.get("aliases", [])]
    assert facts and not missing(facts, all_text)


def test_every_featured_service_is_on_the_home_page(site: Flask) -> None:
    text = page(site, "/")
    facts = [f for s in seed("services.yaml")["services"] if s.get("featured")
             for f in (s["featured"]["title"], s["featured"]["label"])]
    assert len(facts) == 2 * 18 and not missing(facts, text)


def test_every_best_practice_is_on_its_provider_page(site: Flask) -> None:
    practices = seed("best_practices.yaml")["best_practices"]
    for provider in {b["provider"] for b in practices}:
        text = page(site, f"/providers/{provider}")
        mine = [b for b in practices if b["provider"] == provider]
        assert len(mine) == 6
        assert not missing([f for b in mine for f in (b["title"], b["text"])], text), provider


def test_every_provider_list_and_figure_is_on_its_provider_page(site: Flask) -> None:
    for p in seed("providers.yaml")["providers"]:
        text = page(site, f"/providers/{p['slug']}")
        facts = [p["name"], p["summary_line"], p["tagline"], *p.get("tags", [])]
        facts += [f for s in p["stats"] for f in (s["value"], s["label"])]
        for section in p["sections"]:
            facts.append(section["title"])
            facts += [f for item in section["items"] for f in (item["name"], item.get("text"))
                      if f]
        assert not missing(facts, text), p["slug"]


def test_every_code_sample_is_on_its_provider_page(site: Flask) -> None:
    for sample in seed("code_samples.yaml")["code_samples"]:
        text = page(site, f"/providers/{sample['provider']}")
        first_line = sample["code"].strip().splitlines()[0]
        assert not missing([sample["title"], first_line], text), sample["slug"]


def test_every_comparison_cell_is_in_the_comparison(site: Flask) -> None:
    text = page(site, "/compare")
    facts = []
    for cap in seed("capabilities.yaml")["capabilities"]:
        facts.append(cap["name"])
        # every cell's label, or its "no equivalent" note, is on the page
        facts += [cell.get("label") or cell.get("none") for cell in cap["cells"].values()
                  if cell.get("label") or cell.get("none")]
    for fact in seed("compare_facts.yaml")["facts"]:
        facts.append(fact["name"])
        facts += list(fact["values"].values())
    assert not missing(facts, text)


def test_comparison_section_texts_are_on_the_comparison(site: Flask) -> None:
    texts = seed("site.yaml")["texts"]
    text = page(site, "/compare")
    keys = ["compare_eyebrow", "compare_title", "compare_lead", "compare_show_label",
            "compare_category_heading"]
    assert not missing([texts[k] for k in keys], text)
    assert texts["compare_empty"] in page(site, "/compare?q=no-such-thing-at-all")


def test_every_learning_resource_is_on_the_learning_page(site: Flask) -> None:
    text = page(site, "/learn")
    facts = [f for r in seed("learning.yaml")["resources"]
             for f in (r["title"], r.get("code"), r.get("level")) if f]
    assert not missing(facts, text)
