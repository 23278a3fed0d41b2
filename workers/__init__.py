"""Everything that talks to GitHub and keeps metrics fresh: the GitHub client (``github``), the
refresh pipeline (``refresh``), thin Celery tasks (``tasks``), beat defaults (``schedules``),
refresh claims (``locks``) and the commands that drive them. It writes through ``catalog``'s
models and ranking writer and imports ``catalog`` only; never ``api`` or ``config``.
"""
