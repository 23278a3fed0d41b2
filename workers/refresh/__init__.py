"""The refresh pipeline: fetch from GitHub → write metrics → recompute rankings → audit.

``pipeline`` claims due tools and refreshes them in batches (the Celery tasks call it);
``writes`` turns GitHub's answers into snapshots and tool updates; ``runs`` keeps the
``RefreshRun`` audit; ``contributors`` and ``history`` are the per-tool REST passes
(contributor counts, star history) run by ``per_tool``'s batch driver; ``inprocess`` runs a
whole refresh without a broker (``refresh_metrics``). Modules here import ``catalog`` and
``workers.github``; never ``api`` or ``config``.
"""
