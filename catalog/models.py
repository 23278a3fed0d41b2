"""The catalog's data: the AI-stack taxonomy, tools with their GitHub facts and metrics,
the daily metric history, refresh audits and public suggestions.

Business rules live in plain functions (``importer``, ``rankings``, ``services``,
``selectors``); the models only describe the data and its constraints.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from catalog.names import RepositoryName
from catalog.querysets import ToolQuerySet


class Layer(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, related_name="categories")
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    synonyms = models.TextField(
        blank=True,
        help_text=(
            "Other words people search this category by, comma-separated (e.g. LLM serving, "
            "inference server). Empty: the defaults of catalog/search/synonyms.py apply."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["layer__position", "position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.layer.name} › {self.name}"


class Topic(models.Model):
    """A GitHub repository topic (lower-case, as GitHub normalises them)."""

    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ToolStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"
    MISSING = "missing", "Missing (deleted or private)"
    BLOCKED = "blocked", "Blocked (DMCA / legal)"


class PlacementSource(models.TextChoices):
    SOURCE = "", "The source list's own label (docs/taxonomy.md maps it)"
    REVIEWED = "reviewed", "The Strata placement review (docs/taxonomy.md)"


class Tool(RepositoryName, models.Model):
    # Identity
    full_name = models.CharField(max_length=200, help_text="owner/name on GitHub")
    github_id = models.BigIntegerField(unique=True, null=True, blank=True)
    github_node_id = models.CharField(
        max_length=100, blank=True, help_text="GraphQL node id; lets a refresh look a repo up by id"
    )

    # Placement
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tools")
    secondary_categories = models.ManyToManyField(
        Category, blank=True, related_name="secondary_tools"
    )

    # Curated fields: written by curators only, never by a refresh or a re-import.
    display_name = models.CharField(max_length=200, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    short_description = models.CharField(max_length=300, blank=True)
    featured = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    deprecated = models.BooleanField(default=False)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    curator_notes = models.TextField(blank=True)

    # Provenance: the list the tool came from and that list's own label.
    source = models.CharField(max_length=64, blank=True)
    source_label = models.CharField(max_length=200, blank=True)
    also_listed_in = models.CharField(max_length=500, blank=True)
    placement = models.CharField(
        max_length=16,
        blank=True,
        choices=PlacementSource.choices,
        help_text="who chose the category given when the import created the tool",
    )

    # Facts from GitHub
    description = models.TextField(blank=True)
    github_homepage = models.URLField(max_length=500, blank=True)
    license_spdx = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=64, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="tools")
    repo_created_at = models.DateTimeField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    archived = models.BooleanField(default=False)
    is_fork = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=ToolStatus.choices, default=ToolStatus.ACTIVE)

    # Latest metrics, denormalised for ranking. NULL means "not yet measured", never 0.
    stars = models.IntegerField(null=True, blank=True)
    forks = models.IntegerField(null=True, blank=True)
    watchers = models.IntegerField(null=True, blank=True)
    open_issues = models.IntegerField(null=True, blank=True)
    open_pull_requests = models.IntegerField(null=True, blank=True)
    contributors = models.IntegerField(null=True, blank=True)
    contributors_is_lower_bound = models.BooleanField(
        default=False, help_text="GitHub reported the contributor list as too large to count"
    )
    commits_90d = models.IntegerField(null=True, blank=True)
    release_count = models.IntegerField(null=True, blank=True)
    last_release_at = models.DateTimeField(null=True, blank=True)
    metrics_as_of = models.DateTimeField(null=True, blank=True)

    # Derived ranking fields (catalog.ranking.derive). NULL when there is not enough history.
    stars_gained_7d = models.IntegerField(null=True, blank=True)
    stars_gained_30d = models.IntegerField(null=True, blank=True)
    stars_gained_90d = models.IntegerField(null=True, blank=True)
    growth_30d = models.FloatField(null=True, blank=True, help_text="30-day star gain in percent")
    activity = models.FloatField(null=True, blank=True, help_text="0–1, recent pushes and commits")
    score = models.FloatField(null=True, blank=True, help_text="composite score, 0–100")
    score_version = models.CharField(max_length=16, blank=True)
    score_provisional = models.BooleanField(
        default=False, help_text="scored from stars, activity and contributors: no current trend"
    )
    gains_window_end = models.DateField(
        null=True, blank=True, help_text="the day the gain windows end (latest star count)"
    )
    rank_in_category = models.IntegerField(null=True, blank=True)
    rank_in_layer = models.IntegerField(null=True, blank=True)
    rankings_computed_at = models.DateTimeField(null=True, blank=True)

    # Refresh bookkeeping (workers)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_refresh_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    contributors_etag = models.CharField(max_length=200, blank=True)
    contributors_refreshed_at = models.DateTimeField(null=True, blank=True)
    # Star history (workers/refresh/history.py): the first page's ETag, the newest day the
    # stored history covers, and when it was last asked for.
    star_history_etag = models.CharField(max_length=200, blank=True)
    star_history_through = models.DateField(null=True, blank=True)
    star_history_synced_at = models.DateTimeField(null=True, blank=True)
    # Star-integrity evidence (catalog/integrity.py, docs/integrity.md): never an accusation.
    integrity_status = models.CharField(
        max_length=16,
        blank=True,
        choices=[("", "No signal"), ("needs-review", "Needs review"), ("cleared", "Cleared")],
        help_text="needs review: a star-integrity signal is above its threshold",
    )
    integrity_signals = models.JSONField(default=dict, blank=True)
    integrity_note = models.TextField(
        blank=True, help_text="a curator's explanation; required to clear a review"
    )
    integrity_checked_at = models.DateTimeField(null=True, blank=True)
    lifecycle = models.CharField(
        max_length=16,
        blank=True,
        db_index=True,
        help_text="new, rising, steady, plateaued, declining, dormant or archived "
        "(catalog/lifecycle.py, docs/lifecycle.md); empty: not enough history",
    )

    # Words a search matches: names, descriptions and topics in one column, kept current by
    # ``compose_search_document``; PostgreSQL indexes it for full-text and trigram search.
    search_document = models.TextField(blank=True, editable=False)

    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ToolQuerySet.as_manager()

    CURATED_FIELDS = (
        "display_name",
        "homepage",
        "short_description",
        "featured",
        "hidden",
        "deprecated",
        "replaced_by",
        "curator_notes",
    )

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("full_name"), name="tool_full_name_ci_unique"),
        ]
        indexes = [
            models.Index(fields=["stars"], name="tool_stars_idx"),
            models.Index(fields=["forks"], name="tool_forks_idx"),
            models.Index(fields=["contributors"], name="tool_contributors_idx"),
            models.Index(fields=["stars_gained_7d"], name="tool_gain7_idx"),
            models.Index(fields=["stars_gained_30d"], name="tool_gain30_idx"),
            models.Index(fields=["stars_gained_90d"], name="tool_gain90_idx"),
            models.Index(fields=["growth_30d"], name="tool_growth_idx"),
            models.Index(fields=["score"], name="tool_score_idx"),
            models.Index(fields=["activity"], name="tool_activity_idx"),
            models.Index(fields=["pushed_at"], name="tool_pushed_idx"),
            models.Index(fields=["repo_created_at"], name="tool_created_idx"),
            models.Index(fields=["category", "score"], name="tool_category_score_idx"),
            models.Index(fields=["status", "hidden"], name="tool_status_hidden_idx"),
            models.Index(fields=["language"], name="tool_language_idx"),
            models.Index(fields=["license_spdx"], name="tool_license_idx"),
            models.Index(fields=["last_refreshed_at"], name="tool_refreshed_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    # owner, repo_name, github_url and get_absolute_url: ``catalog.names.RepositoryName``.

    @property
    def name(self) -> str:
        return self.display_name or self.repo_name

    @property
    def is_measured(self) -> bool:
        return self.stars is not None

    def compose_search_document(self, topic_names: list[str] | None = None) -> str:
        """The text search runs over; pass ``topic_names`` when the topics just changed."""
        if topic_names is None:
            topic_names = [topic.name for topic in self.topics.all()] if self.pk else []
        owner, _, repo = self.full_name.partition("/")
        parts = [self.full_name, owner, repo, self.display_name, self.short_description]
        parts += [self.description, " ".join(topic_names)]
        return " ".join(part for part in parts if part)


class FormerName(models.Model):
    """An earlier owner/name of a tool (rename or transfer); it still finds the tool."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="former_names")
    full_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("full_name"), name="former_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        """The tool page under this old name, which redirects to the current one."""
        owner, name = self.full_name.split("/", 1)
        return reverse("catalog:tool-detail", kwargs={"owner": owner, "name": name})


class MetricSnapshot(models.Model):
    """One day's metrics for one tool. A value nobody reported stays NULL, never 0."""

    tool = models.ForeignKey(Tool, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField()
    stars = models.IntegerField(null=True, blank=True)
    forks = models.IntegerField(null=True, blank=True)
    watchers = models.IntegerField(null=True, blank=True)
    open_issues = models.IntegerField(null=True, blank=True)
    contributors = models.IntegerField(null=True, blank=True)
    commits_90d = models.IntegerField(null=True, blank=True)
    release_count = models.IntegerField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="who reported these values")

    #: ``source`` of a day reconstructed from GitHub's star history (stars only), not observed.
    STAR_HISTORY_SOURCE = "github-star-history"

    # The measured values, in display order: what an import merges and a refresh writes (the
    # admin lists the counts). Each is NULL when nobody reported it.
    COUNT_FIELDS = (
        "stars",
        "forks",
        "watchers",
        "open_issues",
        "contributors",
        "commits_90d",
        "release_count",
    )
    METRIC_FIELDS = (*COUNT_FIELDS, "pushed_at")

    class Meta:
        ordering = ["tool", "date"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "date"], name="snapshot_tool_date_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tool_id} @ {self.date}"


class RefreshRun(models.Model):
    """The audit of one metrics refresh, whoever started it."""

    class Kind(models.TextChoices):
        METRICS = "metrics", "Metrics"
        CONTRIBUTORS = "contributors", "Contributors"
        STAR_HISTORY = "star-history", "Star history"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        DEFERRED = "deferred", "Stopped at the rate limit; rest deferred"
        FAILED = "failed", "Failed"
        LOST = "lost", "Lost (its queued batch vanished; see the error)"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.METRICS)
    trigger = models.CharField(max_length=32, default="schedule", help_text="schedule, command, …")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    tools_total = models.PositiveIntegerField(default=0)
    tools_ok = models.PositiveIntegerField(default=0)
    tools_not_modified = models.PositiveIntegerField(default=0)
    tools_failed = models.PositiveIntegerField(default=0)
    tools_renamed = models.PositiveIntegerField(default=0)
    tools_missing = models.PositiveIntegerField(default=0)
    tools_deferred = models.PositiveIntegerField(default=0)
    github_requests = models.PositiveIntegerField(default=0)
    rate_limit_points = models.PositiveIntegerField(default=0)
    rate_limit_remaining = models.IntegerField(null=True, blank=True)
    rate_limit_reset_at = models.DateTimeField(null=True, blank=True)
    error_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} refresh #{self.pk} ({self.get_status_display()})"


class Suggestion(models.Model):
    """A tool proposed by a visitor, waiting for a curator."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    full_name = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="suggestions")
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    tool = models.ForeignKey(Tool, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="suggestion_status_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_status_display()})"


class CatalogSummary(models.Model):
    """The public catalog's figures for one layer, stored when its ranks are recomputed.

    ``payload`` holds what the landscape, the layer and category summaries and the survey
    statistics show of the layer (counts, totals, medians, leaders, breakdowns); its shape
    and how it is kept are ``catalog.summary_store``'s. The pages read one small row per layer
    instead of aggregating every tool per request.
    """

    layer = models.OneToOneField(
        Layer, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    payload = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"summary of layer {self.layer_id} ({self.computed_at:%Y-%m-%d %H:%M})"
