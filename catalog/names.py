"""What a GitHub repository name looks like: the one rule for ``owner/name``.

Owners are 1–39 letters, digits and hyphens and start with a letter or digit (old accounts
may still have a trailing or doubled hyphen, so those are accepted); repository names are
1–100 letters, digits, ``.``, ``-`` and ``_``, and never ``.`` or ``..``. The importer, the
suggestion form, curator approval and the GitHub client all check names with this module.

``RepositoryName`` gives anything with a ``full_name`` (a ``Tool``, a list row of
``api.rows``) its owner, repository name, GitHub URL and tool page, from these rules.
"""

from __future__ import annotations

import re

from django.urls import reverse

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


def owner_of(full_name: str) -> str:
    """The owner part of ``owner/name``."""
    return full_name.split("/", 1)[0]


def repo_of(full_name: str) -> str:
    """The repository part of ``owner/name`` (an ``IndexError`` without a slash)."""
    return full_name.split("/", 1)[1]


def github_url(full_name: str) -> str:
    """The repository's page on GitHub."""
    return f"https://github.com/{full_name}"


class RepositoryName:
    """The parts of ``full_name`` for a class that has one (``catalog.models.Tool``, the list
    rows of ``api.rows``): one definition of what owner, name and URLs are."""

    full_name: str

    @property
    def owner(self) -> str:
        return owner_of(self.full_name)

    @property
    def repo_name(self) -> str:
        return repo_of(self.full_name)

    @property
    def github_url(self) -> str:
        return github_url(self.full_name)

    def get_absolute_url(self) -> str:
        """The tool's page on the website."""
        return reverse("catalog:tool-detail", kwargs={"owner": self.owner, "name": self.repo_name})


#: Names that need no quoting in a URL path: filling them into a pattern reversed once gives
#: what ``reverse()`` gives (GitHub owner and repository names are all of this kind).
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+\Z")
_OWNER, _NAME = "__owner__", "__name__"


class NamedPath:
    """The path of a view taking ``owner`` and ``name`` (a tool's page, its API detail…),
    reversed once and filled in per tool: ``reverse()`` per row was most of a list's URL
    time. A name with other characters is reversed for real, so quoted as ``reverse()``
    quotes it."""

    def __init__(self, viewname: str) -> None:
        self.viewname = viewname
        path = reverse(viewname, kwargs={"owner": _OWNER, "name": _NAME})
        self.head, rest = path.split(_OWNER, 1)
        self.middle, self.tail = rest.split(_NAME, 1)

    def __call__(self, owner: str, name: str) -> str:
        if _PLAIN_NAME.match(owner) and _PLAIN_NAME.match(name):
            return f"{self.head}{owner}{self.middle}{name}{self.tail}"
        return reverse(self.viewname, kwargs={"owner": owner, "name": name})
