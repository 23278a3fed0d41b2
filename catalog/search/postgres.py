"""Matching on PostgreSQL: the stored, weighted ``catalog_tool.search_vector`` (migration 0003)
and pg_trgm on names without case and ``_ - . /``. Every condition here has a GIN index.

Weights in the vector: A = owner/name (split at ``_ - . /`` and joined), B = display name,
D = the rest of ``search_document`` (descriptions and topics); each with ``simple`` and
``english`` (stemmed) lexemes, so ``databases`` finds "database" and ``query`` finds "query".
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import BooleanField, F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from catalog.search.names import FUZZY_LIMIT, OWNER_LIMIT, NameMatch
from catalog.search.terms import ParsedQuery, Term, is_prefix_word

VECTOR = "catalog_tool.search_vector"
# The same expressions as the indexes of migrations 0003 (trigram) and 0005 (btree).
JOINED_FULL = "regexp_replace(lower(catalog_tool.full_name), '[-_./]+', '', 'g')"
JOINED_REPO = (
    "regexp_replace(lower(split_part(catalog_tool.full_name, '/', 2)), '[-_./]+', '', 'g')"
)
JOINED_OWNER = (
    "regexp_replace(lower(split_part(catalog_tool.full_name, '/', 1)), '[-_./]+', '', 'g')"
)
SUGGEST_MIN = 0.2
PART_WEIGHT = 0.95  # a close part of a longer name counts a little less than a close name

# The ``simple`` and the stemmed ``english`` query, once when they are the same ("vector"):
# the GIN index then looks the word (or prefix) up once, not twice (a prefix read twice cost
# 10–14 ms at 100,000 tools, once 7). Constant, so folded when the statement is planned.
_EITHER = (
    "(CASE WHEN to_tsquery('simple', %s) = to_tsquery('english', %s) "
    "THEN to_tsquery('simple', %s) ELSE to_tsquery('simple', %s) || to_tsquery('english', %s) "
    "END)"
)


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
    return Q(RawSQL(f"{VECTOR} @@ {_EITHER}", [query] * 5, output_field=BooleanField()))


def fewer_than(queryset: QuerySet, count: int) -> bool:
    """Whether ``queryset`` has fewer than ``count`` rows. Planned apart from the LIMIT (a
    materialized CTE, read only as far as needed), so a rare word is looked up through the
    GIN index instead of a scan hoping to meet ``count`` rows early."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH found AS MATERIALIZED ({sql}) SELECT count(*) FROM (SELECT 1 FROM found "
            "LIMIT %s) AS first",
            [*params, count],
        )
        return cursor.fetchone()[0] < count


def name_matches(parsed: ParsedQuery, queryset: QuerySet, *, fuzzy: bool) -> list[NameMatch]:
    """Tools whose repository, owner/name or owner is the query (ignoring case and
    ``_ - . /``; btree indexes of migration 0005) and, with ``fuzzy``, names close to it
    (trigram indexes of migration 0003). One query."""
    value = parsed.joined
    exact = RawSQL(f"({JOINED_REPO} = %s OR {JOINED_FULL} = %s)", [value, value], BooleanField())
    owner = RawSQL(f"{JOINED_OWNER} = %s", [value], BooleanField())
    condition = Q(exact) | Q(owner)
    closeness: RawSQL | Value = Value(0.0)
    if fuzzy:
        # ``%`` compares whole names; ``<%`` also the best-matching part of a longer name (a
        # name typed in part, "stable difusion" → stable-diffusion-webui).
        condition |= Q(
            RawSQL(
                f"({JOINED_REPO} %% %s OR {JOINED_FULL} %% %s OR %s <%% {JOINED_FULL})",
                [value, value, value],
                BooleanField(),
            )
        )
        closeness = RawSQL(
            f"GREATEST(similarity({JOINED_REPO}, %s), similarity({JOINED_FULL}, %s), "
            f"{PART_WEIGHT} * word_similarity(%s, {JOINED_FULL}))",
            [value, value, value],
            FloatField(),
        )
    rows = (
        queryset.filter(condition)
        .annotate(closeness=closeness, exact=exact, owner=owner)
        .order_by(F("exact").desc(), F("closeness").desc(), F("owner").desc(), "pk")
        .values_list("pk", "closeness", "exact", "owner")[: FUZZY_LIMIT + OWNER_LIMIT]
    )
    return [NameMatch(pk, closeness, exact, owner) for pk, closeness, exact, owner in rows]


def exact_repo(joined_name: str) -> Q:
    return Q(RawSQL(f"{JOINED_REPO} = %s", [joined_name], BooleanField()))


def suggestions(queryset: QuerySet, queries: list[str], limit: int) -> list[str]:
    """Names closest to any of ``queries``, down to a similarity of ``SUGGEST_MIN`` (asked only
    when nothing matched): the trigram index with a lower threshold for this transaction."""
    closeness_parts, close_parts, params = [], [], []
    for query in queries:
        closeness_parts.append(f"similarity({JOINED_REPO}, %s), similarity({JOINED_FULL}, %s)")
        close_parts.append(f"{JOINED_REPO} %% %s OR {JOINED_FULL} %% %s")
        params += [query, query]
    closeness = RawSQL(f"GREATEST({', '.join(closeness_parts)})", params, FloatField())
    close = RawSQL(f"({' OR '.join(close_parts)})", params, BooleanField())
    rows = (
        queryset.filter(close)
        .alias(closeness=closeness)
        .order_by(F("closeness").desc(), F("stars").desc(nulls_last=True), "pk")
        .values_list("full_name", flat=True)[:limit]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [SUGGEST_MIN])
        return list(rows)
