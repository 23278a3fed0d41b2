"""The domain: the catalog's data and every rule about it.

Models and querysets, the importer (``importing``), the ranking arithmetic and its writer
(``ranking``), search (``search``), the filter/order implementation (``tool_queries``), the
reads shared by the web pages and the API (``selectors``, ``summaries``, ``stats``, over the
per-layer figures ``summary_store`` keeps when ranks are recomputed), curator
writes (``services``), and the web side: admin, views, templates, charts, feeds and badges.
It depends on Django and libraries only — never on ``api``, ``workers`` or ``config``; a
refresh is requested through the ``refresh_requested`` signal that ``workers`` answers.
"""
