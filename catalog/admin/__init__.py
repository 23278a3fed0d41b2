"""Django admin for curators: the taxonomy, tools and their history, refresh audits and
suggestions. Bulk actions call ``catalog.services``, which records every change in the admin log.
"""

from catalog.admin import history, refresh, suggestions, taxonomy, tools  # noqa: F401
