"""Model behaviour a curator or visitor meets directly."""

import pytest

from catalog.models import FormerName
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


def test_a_former_name_links_to_its_old_url_which_redirects_to_the_tool(client):
    tool = make_tool("qdrant/qdrant")
    former = FormerName.objects.create(tool=tool, full_name="old-owner/qdrant-db")

    assert former.get_absolute_url() == "/tools/old-owner/qdrant-db/"
    response = client.get(former.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == "/tools/qdrant/qdrant/"
