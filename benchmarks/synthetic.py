"""What the synthetic catalogs are made of, without Django: the taxonomy, the words names and
descriptions are drawn from, heavy-tailed stars and a daily star history.

Shared by ``benchmarks.catalog`` (writes a catalog straight into PostgreSQL) and
``benchmarks.import_files`` (writes the same kind of catalog as import files), so both
benchmarks measure catalogs of the same shape.
"""

from __future__ import annotations

import random

DAYS = 36  # 100,000 tools x 36 days = the 3.6 million snapshots
SOURCE = "benchmark"

LAYERS = (
    ("applications", "Applications"),
    ("application-development", "Application development"),
    ("model-development", "Model development"),
    ("infrastructure", "Infrastructure"),
    ("model-repos", "Model repos"),
    ("tutorials-lists", "Tutorials & lists"),
)
# (slug, layer index, weight): uneven on purpose, as the real catalog is.
CATEGORIES = (
    ("agents", 1, 35), ("rag", 1, 20), ("prompt-engineering", 1, 8), ("evaluation", 1, 7),
    ("coding", 0, 25), ("chat-interfaces", 0, 18), ("image-generation", 0, 12),
    ("workflow-automation", 0, 6), ("speech", 0, 5), ("modeling-training", 2, 22),
    ("dataset-engineering", 2, 9), ("fine-tuning", 2, 10), ("inference-optimization", 3, 14),
    ("serving", 3, 11), ("vector-databases", 3, 9), ("compute-management", 3, 4),
    ("monitoring", 3, 3), ("llm-weights", 4, 8), ("diffusion-weights", 4, 2),
    ("awesome-lists", 5, 6), ("courses", 5, 2),
)  # fmt: skip
WORDS = (
    "vector", "agent", "llm", "rag", "chat", "prompt", "graph", "vision", "speech", "diffusion",
    "embedding", "search", "serve", "train", "tune", "eval", "bench", "data", "pipeline", "flow",
    "model", "token", "infer", "cache", "stream", "memory", "tool", "code", "auto", "mind",
)  # fmt: skip
TOPICS = tuple(f"{word}-ai" for word in WORDS[:20]) + WORDS[:30]
LANGUAGES = ("Python", "Python", "Python", "TypeScript", "Rust", "Go", "C++", "Jupyter Notebook")
LICENSES = ("MIT", "Apache-2.0", "MIT", "BSD-3-Clause", "GPL-3.0", "")


def random_stars(rng: random.Random) -> int:
    return min(int(20 * rng.paretovariate(0.9)), 400_000)


def star_history(stars: int, growth: float, days: int) -> list[int]:
    """Stars per day, oldest first, ending at ``stars``, growing by ``growth`` a day."""
    return [round(stars / (1 + growth) ** (days - 1 - d)) for d in range(days)]
