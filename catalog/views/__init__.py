"""Server-rendered pages, one module per area. Views stay thin: they read through
``catalog.selectors`` and ``catalog.tool_queries`` and hand plain values to templates."""
