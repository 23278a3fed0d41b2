"""A search string into terms, the same way for both databases (pure functions, no database).

A term is one whitespace-separated chunk of the query. Its words are its letters and digits
split at ``_ - . /``; a term with several words (``fine-tuning``, ``llama_index``) matches
either all its words or their concatenation (``finetuning``, ``llamaindex``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TERMS = 8
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "into",
        "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "with", "what",
        "which",
    }
)  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_SEPARATORS = re.compile(r"[\s\-_./]+")


def joined(text: str) -> str:
    """Lower case without spaces or ``_ - . /``: ``Llama_Index`` and ``llama-index`` agree."""
    return _SEPARATORS.sub("", text.lower()).replace("\x00", "")  # PostgreSQL refuses NUL


@dataclass(frozen=True)
class Term:
    text: str
    #: Alternatives; each is a tuple of words that must all match.
    variants: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple[Term, ...]
    #: The whole query joined (``hugingface transformers`` → ``hugingfacetransformers``).
    joined: str


def _term(chunk: str) -> Term | None:
    words = [word for word in _WORD.findall(chunk.lower()) if word]
    if not words:
        return None
    if len(words) == 1:
        return Term(chunk, ((words[0],),))
    return Term(chunk, (("".join(words),), tuple(words)))


def parse(q: str) -> ParsedQuery:
    chunks = q.lower().split()
    terms = [term for term in (_term(chunk) for chunk in chunks) if term is not None]
    meaningful = [
        term
        for term in terms
        if not (len(term.variants) == 1 and term.variants[0][0] in STOP_WORDS)
        and not (len(term.variants) == 1 and len(term.variants[0][0]) == 1)
    ]
    kept = tuple((meaningful or terms)[:MAX_TERMS])
    return ParsedQuery(text=q, terms=kept, joined=joined(q))


def is_prefix_word(word: str) -> bool:
    """Words of three letters or more also match longer words (``lang`` → ``langchain``)."""
    return len(word) >= 3
