"""Licence names as catalogs and GitHub write them, counted under one SPDX id each."""

from __future__ import annotations

#: Licence names seen in catalogs that are not SPDX ids, mapped to the SPDX id (or "other"
#: for a licence without one), so one licence is never counted under two names.
LICENCE_ALIASES = {
    "mit license": "MIT",
    "mit no attribution": "MIT-0",
    "apache license 2.0": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "creative commons attribution share alike 4.0 international": "CC-BY-SA-4.0",
    "cc by-sa 4.0": "CC-BY-SA-4.0",
    "cc by-nc-sa 4.0": "CC-BY-NC-SA-4.0",
    "creative commons attribution non commercial share alike 4.0 international": (
        "CC-BY-NC-SA-4.0"
    ),
    "noassertion": "other",
    "other": "other",
    "custom": "other",
    "intel": "other",
}


def spdx_licence(name: str | None) -> str | None:
    """The SPDX id for a licence name as catalogs write it; "other" for a licence without
    one; None when no licence is stated. Unknown names are kept as they are."""
    name = (name or "").strip()
    if not name:
        return None
    return LICENCE_ALIASES.get(name.lower(), name)
