"""GitHub clients pointed at the fake, recording their sleeps instead of sleeping."""

from __future__ import annotations

from collections.abc import Iterator

from workers.github import GitHubClient


class ClientMaker:
    def __init__(self, fake) -> None:
        self.fake = fake
        self.sleeps: list[float] = []
        self.clients: list[GitHubClient] = []

    def __call__(self, **overrides) -> GitHubClient:
        options = {
            "tokens": ["token-a"],
            "api_url": self.fake.api_url,
            "graphql_url": self.fake.graphql_url,
            "batch_size": 50,
            "reserve": 100,
            "timeout": 2.0,
            "retries": 3,
            "max_inline_wait": 5.0,
            "sleep": self.sleeps.append,
            "jitter": lambda: 0.5,  # the middle of the jitter range: delays are exact
        }
        client = GitHubClient(**{**options, **overrides})
        self.clients.append(client)
        return client


def client_maker(fake_github) -> Iterator[ClientMaker]:
    """Body of each test module's ``make_client`` fixture."""
    maker = ClientMaker(fake_github)
    yield maker
    for client in maker.clients:
        client.close()
