"""Matching on PostgreSQL: the stored, weighted ``catalog_tool.search_vector`` (migration 0003)
and pg_trgm on names without case and ``_ - . /``. Every condition here has a GIN index.

Weights in the vector: A = owner/name (split at ``_ - . /`` and joined), B = display name,
D = the rest of ``search_document`` (descriptions and topics); each with ``simple`` and
``english`` (stemmed) lexemes, so ``databases`` finds "database" and ``query`` finds "query".
"""

from __future__ import annotations

from django.db.models import BooleanField, Expression, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from catalog.search.terms import ParsedQuery, Term, is_prefix_word

VECTOR = "catalog_tool.search_vector"
# The same expressions as the trigram indexes of migration 0003.
JOINED_FULL = "regexp_replace(lower(catalog_tool.full_name), '[-_./]+', '', 'g')"
JOINED_REPO = (
    "regexp_replace(lower(split_part(catalog_tool.full_name, '/', 2)), '[-_./]+', '', 'g')"
)
JOINED_OWNER = (
    "regexp_replace(lower(split_part(catalog_tool.full_name, '/', 1)), '[-_./]+', '', 'g')"
)
FUZZY_MIN = 0.3  # pg_trgm's default similarity threshold, which ``%`` uses
SUGGEST_MIN = 0.2
PART_WEIGHT = 0.95  # a close part of a longer name counts a little less than a close name


def _tsquery(term: Term, weight: str) -> str:
    def word(text: str) -> str:
        return (
            f"'{text}':*{weight}"
            if is_prefix_word(text)
            else f"'{text}'" + (f":{weight}" if weight else "")
        )

    return " | ".join("(" + " & ".join(word(w) for w in variant) + ")" for variant in term.variants)


def text_match(term: Term, field: str | None = None) -> Q:
    """The term in ``field`` ("names", "display") or anywhere (None)."""
    weight = {"names": "A", "display": "B", None: ""}[field]
    query = _tsquery(term, weight)
    sql = f"{VECTOR} @@ (to_tsquery('simple', %s) || to_tsquery('english', %s))"
    return Q(RawSQL(sql, [query, query], output_field=BooleanField()))


def fuzzy_name(parsed: ParsedQuery, queryset: QuerySet) -> tuple[Q, Expression]:
    """Names close to the whole query (trigram similarity), and how close (0–1)."""
    value = parsed.joined
    # ``%`` compares whole names; ``<%`` also the best-matching part of a longer name (a name
    # typed in part, "stable difusion" → stable-diffusion-webui). Both use the trigram indexes.
    condition = RawSQL(
        f"({JOINED_REPO} %% %s OR {JOINED_FULL} %% %s OR %s <%% {JOINED_FULL})",
        [value, value, value],
        BooleanField(),
    )
    closeness = RawSQL(
        f"GREATEST(similarity({JOINED_REPO}, %s), similarity({JOINED_FULL}, %s), "
        f"{PART_WEIGHT} * word_similarity(%s, {JOINED_FULL}))",
        [value, value, value],
        FloatField(),
    )
    return Q(condition), closeness


def exact_name(parsed: ParsedQuery) -> Q:
    value = parsed.joined
    sql = f"({JOINED_REPO} = %s OR {JOINED_FULL} = %s)"
    return Q(RawSQL(sql, [value, value], BooleanField()))


def exact_owner(parsed: ParsedQuery) -> Q:
    return Q(RawSQL(f"{JOINED_OWNER} = %s", [parsed.joined], BooleanField()))


def exact_repo(joined_name: str) -> Q:
    return Q(RawSQL(f"{JOINED_REPO} = %s", [joined_name], BooleanField()))


def suggestions(queryset: QuerySet, queries: list[str], limit: int) -> list[str]:
    """Names closest to any of ``queries`` however far (asked only when nothing matched)."""
    parts, params = [], []
    for query in queries:
        parts.append(f"similarity({JOINED_REPO}, %s), similarity({JOINED_FULL}, %s)")
        params += [query, query]
    closeness = RawSQL(f"GREATEST({', '.join(parts)})", params, FloatField())
    rows = (
        queryset.alias(closeness=closeness)
        .filter(closeness__gte=SUGGEST_MIN)
        .order_by(F("closeness").desc(), F("stars").desc(nulls_last=True), "pk")
        .values_list("full_name", flat=True)[:limit]
    )
    return list(rows)
