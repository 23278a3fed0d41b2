"""The screenshots in this folder: the bundled catalog on SQLite, one metrics pass and one
star-history pass against the test suite's fake GitHub for four tools, then the tool page and
the compare page (aligned on days since creation) in Debian's Chromium.

    .venv/bin/python docs/screenshots/star_history_demo.py

The fake's history of each tool is made consistent with the bundled observations (the increase
between two observed days spread over the days between them, a launch ramp before the first),
which is what GitHub's history says of a repository that lost no star. Creation dates are the
repositories' real ones; descriptions and the other metrics are the fake's.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
PORT = 8765
CREATED = {
    "qdrant/qdrant": "2020-05-30",
    "milvus-io/milvus": "2019-09-16",
    "chroma-core/chroma": "2022-10-05",
    "weaviate/weaviate": "2016-03-30",
}


def consistent_history(observed: list[tuple[date, int]], created: date) -> dict[date, int]:
    """Stars added per day: a launch ramp up to the first observation, then each increase
    between two observations spread evenly over the days between them."""
    added: dict[date, int] = {}
    first_day, first_stars = observed[0]
    days = max((first_day - created).days, 1)
    weights = [1 / (1 + k / 30) for k in range(days)]
    scale = first_stars / sum(weights)
    for k in range(days):
        added[created + timedelta(days=k + 1)] = round(weights[k] * scale)
    for (start, low), (end, high) in itertools.pairwise(observed):
        gap = (end - start).days
        if gap <= 0 or high <= low:
            continue
        for k in range(1, gap + 1):
            step = round((high - low) * k / gap) - round((high - low) * (k - 1) / gap)
            day = start + timedelta(days=k)
            added[day] = added.get(day, 0) + step
    return added


def main() -> None:
    from tests.fakegithub import FakeGitHub

    fake = FakeGitHub().start()
    folder = tempfile.mkdtemp()
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder}/demo.sqlite3",
        GITHUB_API_URL=fake.api_url,
        GITHUB_GRAPHQL_URL=fake.graphql_url,
        GITHUB_TOKENS="demo-token",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
    )
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from catalog.models import Tool
    from workers.github import GitHubClient
    from workers.refresh.history import refresh_history_batch
    from workers.refresh.pipeline import refresh_batch

    call_command("migrate", verbosity=0)
    call_command("import_catalog", verbosity=0)
    today = timezone.now().date()
    tools = list(Tool.objects.filter(full_name__in=CREATED))
    for tool in tools:
        created = datetime.fromisoformat(CREATED[tool.full_name]).replace(tzinfo=UTC)
        stars = tool.stars or 15_000
        observed = [
            (day, count)
            for day, count in tool.snapshots.order_by("date").values_list("date", "stars")
            if count is not None and day >= created.date()
        ]
        if not observed or observed[-1][0] < today:
            observed.append((today, stars))
        history = consistent_history(observed, created.date())
        fake.add_repo(tool.full_name, stars=stars, created_at=created, star_history=history)
    ids = [tool.pk for tool in tools]
    print("metrics pass:", refresh_batch(tool_ids=ids, client=GitHubClient.from_settings()).tally)
    print("history pass:", refresh_history_batch(tool_ids=ids, client=GitHubClient.from_settings()))
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        env=dict(os.environ),
    )
    try:
        time.sleep(4)
        _shoot()
    finally:
        server.terminate()
        fake.stop()


def _shoot() -> None:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{PORT}"
    names = ",".join(CREATED)
    pages = {
        "star-history-tool-page": f"{base}/tools/qdrant/qdrant/",
        "star-history-compare-by-age": f"{base}/compare/?tools={names}&align=age",
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(HERE / f"{name}.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
