"""FTS5 match expressions (SQLite): one term, optionally limited to one column."""

from __future__ import annotations

from catalog.search.terms import Term, is_prefix_word


def _word(word: str) -> str:
    return f'"{word}"*' if is_prefix_word(word) else f'"{word}"'


def term_expression(term: Term, column: str | None = None) -> str:
    """``("finetuning"* OR ("fine"* AND "tuning"*))``, prefixed by ``{column} :`` if given.

    Words hold letters and digits only, so quoting them is enough to keep FTS5 syntax out.
    """
    variants = [
        " AND ".join(_word(word) for word in variant)
        if len(variant) == 1
        else "(" + " AND ".join(_word(word) for word in variant) + ")"
        for variant in term.variants
    ]
    expression = "(" + " OR ".join(variants) + ")"
    return f"{{{column}}} : {expression}" if column else expression
