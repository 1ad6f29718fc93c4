"""Assertions about pages every page family shares: the three ways htmx asks for a page, and
the odd values every filter must survive."""

from __future__ import annotations

from flask.testing import FlaskClient

from .app import HtmxClient
from .html import fragment_root, is_full_page

ODD_VALUES = ["", " ", "nope", "<script>alert(1)</script>", "%", "_", "\\", "'\"", "\x00",
              "\u202e\u0000x", "a" * 5000, "🙂", "../../etc/passwd", "' OR 1=1 --", "%00"]


def varies_on_hx(response) -> bool:
    return "hx-request" in response.headers.get("Vary", "").lower()


def assert_three_ways(client: FlaskClient, hx: HtmxClient, url: str,
                      target_id: str) -> tuple[str, str]:
    """Plain → full page; htmx → only the fragment (one root with ``target_id``); boosted and
    history-restore → full page. All say ``Vary: HX-Request``. Returns (page, fragment)."""
    plain = client.get(url)
    assert plain.status_code == 200, (url, plain.status_code)
    page = plain.get_data(as_text=True)
    assert is_full_page(page) and f'id="{target_id}"' in page
    assert varies_on_hx(plain)

    frag = hx.get(url)
    assert frag.status_code == 200
    fragment = frag.get_data(as_text=True)
    assert not is_full_page(fragment) and "<html" not in fragment
    tag, attrs = fragment_root(fragment)
    assert attrs.get("id") == target_id, (tag, attrs)
    assert varies_on_hx(frag)

    for kw in ({"boosted": True}, {"history_restore": True}):
        full = hx.get(url, **kw)
        assert full.status_code == 200
        assert is_full_page(full.get_data(as_text=True)), kw
        assert varies_on_hx(full)
    return page, fragment
