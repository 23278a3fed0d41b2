"""What a GitHub repository name looks like: the one rule for ``owner/name``.

Owners are 1–39 letters, digits and hyphens and start with a letter or digit (old accounts
may still have a trailing or doubled hyphen, so those are accepted); repository names are
1–100 letters, digits, ``.``, ``-`` and ``_``, and never ``.`` or ``..``. The importer, the
suggestion form, curator approval and the GitHub client all check names with this module.
"""

from __future__ import annotations

import re

FULL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$")
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?github\.com/", re.IGNORECASE)


def is_full_name(value: object) -> bool:
    """True when ``value`` is a string shaped like a GitHub ``owner/name``."""
    return isinstance(value, str) and FULL_NAME_RE.match(value) is not None


def full_name_from_input(text: str) -> str | None:
    """``owner/name`` from what a person typed (owner/name or a github.com URL), else None.

    A URL into the repository (``…/owner/name/tree/main``), a query, a fragment, a trailing
    slash and a ``.git`` suffix are all cut off.
    """
    value = _URL_PREFIX.sub("", (text or "").strip())
    value = value.split("?", 1)[0].split("#", 1)[0].strip("/")
    parts = value.split("/")
    if len(parts) > 2:
        value = "/".join(parts[:2])
    value = value.removesuffix(".git")
    return value if is_full_name(value) else None
