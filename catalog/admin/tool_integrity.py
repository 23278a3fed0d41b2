"""The star-integrity evidence on a Tool's change page, read-only: each signal with its
threshold and numbers, the busiest window, what the score leaves out, and how to clear it.

The numbers are the stored ``Tool.integrity_signals`` (computed daily by
``catalog.services.integrity``); the thresholds come from ``catalog.integrity``, their one
home. Clearing is the changelist action, which asks for the note and logs it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.html import format_html, format_html_join

from catalog import integrity as rules
from catalog.models import Tool

SIGNAL_LABELS = {
    "burst": "Burst",
    "vanished": "Vanished stars",
    "flat_engagement": "Flat engagement",
    "lockstep": "Lockstep with other tools",
}
CLEAR_HOW = (
    "To clear it after looking: select the tool in the list and run “Clear the star-integrity "
    "review (with a note)…”; the note is kept on the tool and in the admin log."
)


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return "—" if value is None or value == "" else str(value)


def _busiest_window(burst: dict) -> str:
    try:
        start = date.fromisoformat(str(burst["start"]))
    except (KeyError, ValueError):
        return ""
    end = start + timedelta(days=rules.BURST_DAYS - 1)
    return format_html(
        "<p><strong>Busiest {} days</strong>: {} to {}, {} stars ({} of all {} gained); the {} "
        "days after added {} ({} of the burst).</p>",
        rules.BURST_DAYS,
        start.isoformat(),
        end.isoformat(),
        _value(burst.get("stars")),
        f"{float(burst.get('share') or 0):.0%}",
        _value(burst.get("total")),
        rules.AFTER_DAYS,
        _value(burst.get("next_60_days")),
        f"{float(burst.get('next_60_ratio') or 0):.0%}",
    )


def integrity_evidence(tool: Tool) -> str:
    """The evidence as HTML for the change page ("—" before the first check)."""
    stored = tool.integrity_signals if isinstance(tool.integrity_signals, dict) else {}
    signals = stored.get("signals") or {}
    if not signals:
        return "Not checked yet: the daily star-integrity pass has not looked at this tool."
    above = set(stored.get("above") or [])
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                SIGNAL_LABELS.get(name, name),
                "above its threshold" if name in above else "below",
                rules.THRESHOLDS.get(name, ""),
                "; ".join(
                    f"{key.replace('_', ' ')}: {_value(value)}"
                    for key, value in evidence.items()
                    if key != "above"
                ),
            )
            for name, evidence in signals.items()
            if isinstance(evidence, dict)
        ),
    )
    parts: list[str] = [
        format_html(
            "<table><thead><tr><th scope='col'>signal</th><th scope='col'>crossed?</th>"
            "<th scope='col'>threshold (docs/integrity.md)</th><th scope='col'>evidence</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )
    ]
    if isinstance(signals.get("burst"), dict):
        parts.append(_busiest_window(signals["burst"]))
    discount = rules.burst_discount(tool.integrity_status, stored)
    if discount is not None:
        parts.append(
            format_html(
                "<p>While it needs review, trending and the score leave out {} stars of this "
                "burst (those above the {} a day of the {} days after it; score formula "
                "2026.12-2, docs/score.md).</p>",
                f"{discount.stars:,.0f}",
                f"{discount.pace:g}",
                rules.AFTER_DAYS,
            )
        )
    version = stored.get("version", "")
    parts.append(format_html("<p>Evidence rules version {}.</p>", version or "—"))
    if tool.integrity_status == rules.NEEDS_REVIEW:
        parts.append(format_html("<p>{}</p>", CLEAR_HOW))
    return format_html_join("", "{}", ((part,) for part in parts))
