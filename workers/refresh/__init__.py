"""The refresh pipeline: fetch from GitHub → write metrics → recompute rankings → audit.

``pipeline`` claims due tools and refreshes them in batches (the Celery tasks call it);
``writes`` turns GitHub's answers into snapshots and tool updates; ``runs`` keeps the
``RefreshRun`` audit; ``contributors`` is the REST pass for contributor counts;
``inprocess`` runs a whole refresh without a broker (``refresh_metrics``). Modules here
import ``catalog`` and ``workers.github``; never ``api`` or ``config``.
"""
