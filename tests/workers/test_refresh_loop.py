"""Live numbers from the first run: `manage.py refresh_loop` (which `make run` starts next to the
server) refreshes the whole catalog against the fake GitHub and keeps it fresh; without a
token it says how to add one. And the deployment files run what the README promises."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.models import RefreshRun, Tool
from tests.workers.refresh_helpers import seed
from workers.management.commands import refresh_loop

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run_loop(*args: str) -> str:
    out = StringIO()
    call_command("refresh_loop", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_one_pass_refreshes_every_tool_with_progress_in_the_terminal(github, settings):
    settings.GITHUB_BATCH_SIZE = 2
    tools = seed(github, 3)

    output = run_loop("--once")

    assert [Tool.objects.get(pk=t.pk).stars for t in tools] == [1000, 1001, 1002]
    assert "Refreshing 3 tools from GitHub in the background" in output
    assert "refreshed 2/3 tools (66%)" in output
    assert "refreshed 3/3 tools (100%)" in output
    assert "3 tools — 3 ok" in output
    assert RefreshRun.objects.count() == 1


def test_a_second_pass_leaves_fresh_tools_alone(github):
    seed(github, 2)
    run_loop("--once")
    asked = len(github.requests)

    assert run_loop("--once") == ""
    assert len(github.requests) == asked
    assert RefreshRun.objects.count() == 1


def test_it_keeps_going_and_refreshes_tools_that_became_stale(github, monkeypatch):
    tools = seed(github, 2)
    passes = []

    def pause(seconds: float) -> None:
        passes.append(seconds)
        if len(passes) == 2:
            raise KeyboardInterrupt
        # Between the passes one tool goes stale (as 6 hours passing would make it).
        stale = timezone.now() - timedelta(hours=7)
        Tool.objects.filter(pk=tools[0].pk).update(last_refreshed_at=stale)

    monkeypatch.setattr(refresh_loop.Command, "sleep", staticmethod(pause))
    output = run_loop("--pause-minutes", "1")

    assert passes == [60, 60]
    assert "Refreshing 2 tools" in output
    assert "Refreshing 1 tools" in output
    assert output.endswith("Background refresh stopped.\n")
    assert RefreshRun.objects.count() == 2


def test_without_a_token_it_explains_how_to_add_one_and_fetches_nothing(github, settings):
    settings.GITHUB_TOKENS = []
    seed(github, 1)

    output = run_loop("--once")

    assert "GITHUB_TOKENS is not set" in output
    assert "https://github.com/settings/tokens" in output
    assert "GITHUB_TOKENS=github_pat_... make run" in output
    assert not github.requests
    assert not RefreshRun.objects.exists()


def test_bad_options_are_refused_naming_them(github):
    with pytest.raises(CommandError, match="--max-age-hours"):
        run_loop("--max-age-hours", "0")
    with pytest.raises(CommandError, match="--pause-minutes"):
        run_loop("--pause-minutes", "-1")


def _recipe(target: str) -> list[str]:
    text = (ROOT / "Makefile").read_text()
    body = re.search(rf"^{target}:.*?\n((?:\t.*\n)+)", text, flags=re.MULTILINE)
    assert body, f"no {target} target"
    return [line.strip() for line in body.group(1).splitlines()]


def test_make_run_starts_the_background_refresh_next_to_the_server_and_stops_it_after():
    recipe = " ".join(_recipe("run"))
    loop, server = recipe.index("manage.py refresh_loop &"), recipe.index("manage.py runserver")
    assert loop < server
    assert "trap 'kill $$loop" in recipe  # the loop ends with the server (Ctrl-C included)


def test_the_compose_web_service_imports_an_empty_catalog_and_installs_schedules():
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert web["command"][:2] == ["make", "web"]
    recipe = _recipe("web")
    migrate = recipe.index("$(PY) manage.py migrate --noinput")
    assert recipe.index("$(PY) manage.py import_catalog --if-empty") > migrate
    assert recipe.index("$(PY) manage.py install_schedules") > migrate
    assert recipe[-1].startswith("$(VENV)/bin/gunicorn")
