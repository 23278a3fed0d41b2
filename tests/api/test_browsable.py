"""The browsable API (``?format=api``), what a person exploring the API in a browser sees."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        "/api/v1/layers/",
        "/api/v1/categories/",
        "/api/v1/categories/?layer=models",
        "/api/v1/tools/",
        "/api/v1/tools/crew/crew/",
        "/api/v1/tools/crew/crew/history/",
        "/api/v1/rankings/",
        "/api/v1/trending/",
        "/api/v1/stats/",
        "/api/v1/compare/?tools=crew/crew,tiny/swarm",
    ],
)
def test_every_read_endpoint_renders_as_an_html_page(client, api_catalog, path):
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}format=api")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "<html" in response.content.decode()
