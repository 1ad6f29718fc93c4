"""Lifecycle shows wherever a service appears, and decision facts tell the services of a row
apart: "How it differs" on service pages, a row's key differences from the comparison."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support.html import page_text
from tests.support.pages import assert_three_ways


def test_a_closed_service_page_says_so_with_date_source_and_successor(client: FlaskClient) -> None:
    text = page_text(client.get("/services/gcp/cloud-source-repositories").get_data(
        as_text=True))
    assert "Closed to new customers since 17 June 2024" in text
    assert "Successor: Secure Source Manager" in text
    assert "Source" in text


def test_a_retired_product_is_never_offered_as_the_current_equivalent(client: FlaskClient) -> None:
    html = client.get("/compare?q=infrastructure+as+code").get_data(as_text=True)
    html = re.sub(r"</?mark>", "", html)  # the search's words are marked in the rows
    row = re.search(r'<tr id="cap-iac".*?</tr>', html, re.DOTALL).group(0)
    gcp = re.search(r'<td data-label="GCP".*?</td>', row, re.DOTALL).group(0)
    current, _, legacy = gcp.partition('class="cell-legacy"')
    assert "Infrastructure Manager" in current and "Deployment Manager" not in current
    assert "Deployment Manager" in legacy and "Retired" in legacy


def test_the_original_pages_outdated_list_item_stays_annotated(client: FlaskClient) -> None:
    text = page_text(client.get("/providers/gcp").get_data(as_text=True))
    assert re.search(r"Cloud Source Repositories — managed Git Closed to new customers since "
                     r"17 Jun 2024", text)


def test_old_names_appear_with_the_current_one(client: FlaskClient) -> None:
    text = page_text(client.get("/services/azure/sentinel").get_data(as_text=True))
    assert "Microsoft Sentinel" in text and "Azure Sentinel" in text


def test_devops_stage_tools_carry_their_lifecycle(client: FlaskClient) -> None:
    html = client.get("/devops").get_data(as_text=True)
    assert re.search(r">CodeCommit</a> <span class=\"status status-flagged\">Closed to new "
                     r"customers</span>", html)


def test_exports_carry_lifecycle_and_no_equivalent_notes(client: FlaskClient) -> None:
    data = client.get("/compare.json?q=siem").get_json()
    siem = next(r for r in data["rows"] if r["slug"] == "siem")
    assert siem["cells"]["aws"]["services"] == [] and siem["cells"]["aws"]["no_equivalent"]
    csv_text = client.get("/compare.csv?q=infrastructure+as+code").get_data(as_text=True)
    assert "Cloud Deployment Manager (retired)" in csv_text or "Deployment Manager (retired)" \
        in csv_text


def test_service_page_shows_how_it_differs_side_by_side(client: FlaskClient) -> None:
    html = client.get("/services/aws/lambda").get_data(as_text=True)
    section = re.search(r'<details class="how-differs" id="differs-serverless-functions".*?'
                        r'</details>', html, re.DOTALL).group(0)
    text = page_text(section)
    for name in ("AWS Lambda", "Azure Functions", "Cloud Run functions"):
        assert name in text
    assert "Management model" in text and "Serverless" in text
    heads = re.findall(r'<th scope="col" data-provider="(\w+)"', section)
    assert heads[0] == "aws"  # the page's own service leads
    assert "Sources:" in text


def test_compare_rows_open_their_key_differences_three_ways(client: FlaskClient, hx) -> None:
    page, fragment = assert_three_ways(client, hx, "/compare/rows/message-queue",
                                       "row-differences")
    assert "Amazon SQS" in fragment and "Decision fact" in fragment
    assert "Back to the comparison" in page


def test_the_table_links_every_row_with_facts_to_its_differences(client: FlaskClient) -> None:
    html = client.get("/compare").get_data(as_text=True)
    links = re.findall(r'<details class="row-diff" hx-get="([^"]+)"', html)
    assert len(links) >= 150
    assert all(client.get(u).status_code == 200 for u in links[:20])


@pytest.mark.parametrize("slug", ["nope", "<script>", "%00"])
def test_an_unknown_row_is_a_404_page(client: FlaskClient, slug: str) -> None:
    response = client.get(f"/compare/rows/{slug}")
    assert response.status_code == 404 and "comparison row" in response.get_data(as_text=True)
