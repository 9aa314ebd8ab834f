"""The query-count pin of every list and detail page (X-2, STYLE.md "Tests").

    def test_customer_list_queries(client, seller, pos):
        client.force_login(seller)
        assert_list_queries(
            client, "/clients/", lambda n: CustomerFactory.create_batch(n, point_of_sale=pos),
            budget=6,
        )

``make_rows(n)`` adds ``n`` more rows. The page is asked once to warm what a first
request caches (session, the user's group types …), then counted with ``few`` rows; then
``many - few`` rows are added and it is counted again. The two counts must be equal and
within ``budget``; the same for the HTMX partial (``HX-Request``) of a list.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

HX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Counts:
    page: int
    partial: int | None
    response: object  # the last full page, with ``many`` rows

    @property
    def html(self) -> str:
        return self.response.content.decode()


def count_queries(client, url: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx), response


def _sql(ctx_few: list[str], ctx_many: list[str]) -> str:
    return "\n".join(ctx_many[len(ctx_few) :]) or "\n".join(ctx_many)


def assert_list_queries(
    client,
    url: str,
    make_rows: Callable[[int], object],
    *,
    budget: int,
    few: int = 2,
    many: int = 12,
    partial: bool = True,
) -> Counts:
    """Few rows and many rows cost the same queries, within ``budget``; for the page and,
    when ``partial``, for its HTMX partial. Returns the counts and the last page."""
    make_rows(few)
    count_queries(client, url)  # warm: session, caches of a first request
    with CaptureQueriesContext(connection) as page_few:
        assert client.get(url).status_code == 200
    partial_few = count_queries(client, url, **HX)[0] if partial else None
    make_rows(many - few)
    with CaptureQueriesContext(connection) as page_many:
        response = client.get(url)
    assert response.status_code == 200
    few_sql = [q["sql"] for q in page_few.captured_queries]
    many_sql = [q["sql"] for q in page_many.captured_queries]
    assert len(many_sql) == len(few_sql), (
        f"{url}: {len(few_sql)} queries with {few} rows, {len(many_sql)} with {many}:\n"
        + _sql(few_sql, many_sql)
    )
    assert len(few_sql) <= budget, f"{url}: {len(few_sql)} queries > {budget}:\n" + "\n".join(
        few_sql
    )
    partial_many = None
    if partial:
        partial_many, _partial = count_queries(client, url, **HX)
        assert partial_many == partial_few, (url, "partial", partial_few, partial_many)
        assert partial_many <= budget, (url, "partial", partial_many, budget)
        assert "<html" not in _partial.content.decode(), f"{url}: the partial is a whole page"
    return Counts(page=len(many_sql), partial=partial_many, response=response)
