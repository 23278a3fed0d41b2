"""Reading query-string parameters strictly: each helper returns a typed value or raises
``ToolQueryError`` naming the parameter (and the allowed values, when there is a fixed set).

``params`` is a Django ``QueryDict`` or any mapping of name → value or list of values.
Multi-valued parameters take repeated names and comma lists alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

MAX_VALUES = 20  # values of one multi-valued parameter (category, topic, …)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_INT_RANGE = 2**31 - 1  # what the database's integer columns hold


class ToolQueryError(ValueError):
    """A query parameter that cannot be honoured; ``field`` names it, ``allowed`` lists choices."""

    def __init__(self, field: str, message: str, allowed: list[str] | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.allowed = allowed


def _raw(params: Mapping, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name)
        raw = [] if raw is None else [raw] if isinstance(raw, str) else list(raw)
    raw = [str(item) for item in raw]
    if any("\x00" in item for item in raw):  # PostgreSQL text cannot hold NUL
        raise ToolQueryError(name, "must not contain NUL characters")
    return raw


def values(params: Mapping, name: str) -> list[str]:
    """All values of ``name``, from repeated parameters and comma lists, blanks dropped."""
    found = [part.strip() for item in _raw(params, name) for part in item.split(",")]
    found = [value for value in found if value]
    if len(found) > MAX_VALUES:
        raise ToolQueryError(name, f"at most {MAX_VALUES} values are allowed")
    return found


def single(params: Mapping, name: str) -> str | None:
    found = values(params, name)
    if len(found) > 1:
        raise ToolQueryError(name, "give one value only")
    return found[0] if found else None


def text_param(params: Mapping, name: str, *, max_length: int) -> str | None:
    """Free text (commas kept), stripped; None when absent or blank."""
    raw = _raw(params, name)
    if len(raw) > 1:
        raise ToolQueryError(name, "give one value only")
    text = raw[0].strip() if raw else ""
    if len(text) > max_length:
        raise ToolQueryError(name, f"is longer than {max_length} characters")
    return text or None


def integer_param(
    params: Mapping, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    value = single(params, name)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ToolQueryError(name, f"{value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ToolQueryError(name, f"must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise ToolQueryError(name, f"must be at most {maximum}")
    if abs(number) > _INT_RANGE:
        raise ToolQueryError(name, "is out of range")
    return number


def date_param(params: Mapping, name: str) -> date | None:
    value = single(params, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ToolQueryError(name, f"{value!r} is not a date; use YYYY-MM-DD") from None


def choices(name: str, given: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    """``given`` (deduplicated, in order) when every value is allowed."""
    for value in given:
        if value not in allowed:
            raise ToolQueryError(name, f"unknown value {value!r}", allowed=list(allowed))
    return tuple(dict.fromkeys(given))


def choice_param(params: Mapping, name: str, *, allowed: list[str], default: str) -> str:
    value = single(params, name) or default
    return choices(name, [value], allowed)[0]


def boolean_param(params: Mapping, name: str) -> bool | None:
    value = single(params, name)
    if value is None:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ToolQueryError(name, f"{value!r} is not a boolean", allowed=["true", "false"])
