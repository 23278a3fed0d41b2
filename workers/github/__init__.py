"""The GitHub client: everything that talks to GitHub and nothing else.

``client`` is the interface the refresh pipeline uses (``GitHubClient``: batched GraphQL
lookups, REST fallbacks, contributor counts); ``transport`` sends requests through the token
pool and retries transient failures; ``governor`` spends each token's rate-limit budget and
computes backoff; ``graphql`` and ``rest`` build requests and read answers; ``parse``
validates GitHub's values; ``types`` holds the plain result types. Nothing here imports
Django models: modules import each other, ``django.conf.settings`` and the pure
``catalog.names`` only.
"""

from workers.github.client import NO_TOKEN_WARNING, GitHubClient
from workers.github.governor import backoff
from workers.github.types import (
    BatchResult,
    ContributorCount,
    GitHubError,
    RateLimitExhausted,
    RateLimitState,
    RepoFacts,
    RepoRef,
    RepoResult,
    RepoStatus,
    RequestFailed,
    RetryLater,
)

__all__ = [
    "NO_TOKEN_WARNING",
    "BatchResult",
    "ContributorCount",
    "GitHubClient",
    "GitHubError",
    "RateLimitExhausted",
    "RateLimitState",
    "RepoFacts",
    "RepoRef",
    "RepoResult",
    "RepoStatus",
    "RequestFailed",
    "RetryLater",
    "backoff",
]
