"""How tools are ranked: pure arithmetic, and the one bulk writer that stores its results.

``star_series`` reads star gains off irregular daily snapshots (interpolation, spike
damping); ``scoring`` turns signals into the composite 0–100 score; ``derive`` combines them
into a tool's derived figures and score breakdown. These three work on plain values and never
touch the database. ``writer`` loads snapshots, calls ``derive`` and writes scores and ranks in
bulk (``recompute_rankings``). Modules here import ``catalog.models`` only; never ``api``,
``workers`` or ``config``.
"""
