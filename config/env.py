"""Typed readers for environment variables that fail loudly, naming the variable."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import urlparse


class ImproperlyConfiguredEnv(Exception):
    """An environment variable is present but malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off"
    )


def env_int(
    name: str, default: int, environ: Mapping[str, str] = os.environ, *, minimum: int = 0
) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ImproperlyConfiguredEnv(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(
    name: str, default: list[str] | None = None, environ: Mapping[str, str] = os.environ
) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(
    name: str,
    default: str,
    environ: Mapping[str, str] = os.environ,
    *,
    schemes: tuple[str, ...] = ("http", "https"),
) -> str:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise ImproperlyConfiguredEnv(
            f"{name}={raw!r} is not a URL with one of the schemes {', '.join(schemes)}"
        )
    return value.rstrip("/")


def env_rate(
    name: str,
    default: str,
    environ: Mapping[str, str] = os.environ,
    *,
    abbreviations: bool = False,
) -> str:
    """A rate such as ``5/hour``: ``<count>/<second|minute|hour|day>``.

    With ``abbreviations`` (DRF's throttles read only the period's first letter) ``s``, ``sec``,
    ``m``, ``min``, ``h`` and ``d`` are accepted too.
    """
    raw = environ.get(name)
    value = default if raw is None or raw.strip() == "" else raw.strip()
    periods = "second|minute|hour|day" + ("|s|sec|m|min|h|d" if abbreviations else "")
    if not re.fullmatch(rf"[1-9][0-9]*/({periods})", value):
        raise ImproperlyConfiguredEnv(
            f"{name}={raw!r}: use <count>/<second|minute|hour|day>, e.g. 5/hour"
        )
    return value
