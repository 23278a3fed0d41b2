"""The REST API under ``/api/v1/`` (Django REST framework): a thin layer over ``catalog``.

Serializers with explicit fields, views that read through ``catalog.selectors`` and
``catalog.tool_queries`` (the same code as the web pages), one place for the API policy
(caching, throttling, pagination, the error shape) and the OpenAPI schema. It imports
``catalog`` only; never ``workers`` or ``config``.
"""
