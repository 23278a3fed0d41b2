"""The fake GitHub itself answers the way the real one does (the other tests rely on it)."""

import httpx

AUTH = {"Authorization": "bearer test-token"}


def graphql(fake_github, query: str, variables: dict | None = None) -> httpx.Response:
    payload = {"query": query, "variables": variables or {}}
    return httpx.post(fake_github.graphql_url, json=payload, headers=AUTH, timeout=5)


def test_a_field_github_lacks_is_rejected_in_githubs_error_shape(fake_github):
    fake_github.add_repo("acme/rocket")

    answer = graphql(fake_github, '{ repository(owner: "acme", name: "rocket") { stars } }')

    assert answer.status_code == 200
    assert answer.json() == {
        "errors": [
            {
                "message": "Cannot query field 'stars' on type 'Repository'.",
                "locations": [{"line": 1, "column": 47}],
            }
        ]
    }
    assert fake_github.points_used == 0


def test_a_connection_without_first_is_rejected_like_github_does(fake_github):
    query = '{ repository(owner: "a", name: "b") { repositoryTopics { nodes { id } } } }'

    errors = graphql(fake_github, query).json()["errors"]

    assert "must provide a `first` or `last` value" in errors[0]["message"]


def test_a_valid_query_answers_the_repository_table_and_its_cost(fake_github):
    fake_github.add_repo("acme/rocket", stars=1234, topics=["llm", "rag"])
    query = """query($owner: String!, $name: String!) {
      rateLimit { cost remaining }
      repository(owner: $owner, name: $name) {
        stargazerCount repositoryTopics(first: 10) { nodes { topic { name } } }
      }
    }"""

    answer = graphql(fake_github, query, {"owner": "acme", "name": "rocket"})

    data = answer.json()["data"]
    assert data["repository"]["stargazerCount"] == 1234
    assert [n["topic"]["name"] for n in data["repository"]["repositoryTopics"]["nodes"]] == [
        "llm",
        "rag",
    ]
    assert data["rateLimit"] == {"cost": 1, "remaining": 4999}
    assert answer.headers["X-RateLimit-Resource"] == "graphql"
    assert answer.headers["X-RateLimit-Remaining"] == "4999"


def test_cost_grows_with_the_connections_requested(fake_github):
    repos = fake_github.add_repos(100)
    fields = "{ ... on Repository { watchers { totalCount } releases { totalCount } } }"
    query = "query($ids: [ID!]!) { nodes(ids: $ids) " + fields + " }"

    answer = graphql(fake_github, query, {"ids": [r.node_id for r in repos]})

    assert len(answer.json()["data"]["nodes"]) == 100
    assert fake_github.graphql_requests[0].cost == 2  # 200 connection requests / 100


def test_rest_repository_follows_the_recorded_shape(fake_github):
    fake_github.add_repo("acme/rocket", stars=77, watchers=9)

    answer = httpx.get(f"{fake_github.api_url}/repos/acme/rocket", headers=AUTH)

    assert answer.status_code == 200
    body = answer.json()
    assert (body["full_name"], body["stargazers_count"], body["subscribers_count"]) == (
        "acme/rocket",
        77,
        9,
    )
    assert answer.headers["ETag"].startswith('W/"')
    assert answer.headers["X-RateLimit-Limit"] == "5000"
    assert answer.headers["X-RateLimit-Remaining"] == "4999"
    assert answer.headers["X-RateLimit-Resource"] == "core"


def test_rest_renamed_repository_is_a_301_to_its_id(fake_github):
    repo = fake_github.add_repo("acme/rocket")
    fake_github.rename("acme/rocket", "acme/jet")

    answer = httpx.get(f"{fake_github.api_url}/repos/acme/rocket", headers=AUTH)

    assert answer.status_code == 301
    location = f"{fake_github.api_url}/repositories/{repo.database_id}"
    assert answer.headers["Location"] == location
    assert answer.json()["message"] == "Moved Permanently"


def test_unauthenticated_rest_has_sixty_requests_an_hour(fake_github):
    fake_github.add_repo("acme/rocket")

    answer = httpx.get(f"{fake_github.api_url}/repos/acme/rocket")

    assert answer.headers["X-RateLimit-Limit"] == "60"
    assert answer.headers["X-RateLimit-Remaining"] == "59"
