"""Django admin for curators: the taxonomy, tools and their history, refresh audits and
suggestions. Bulk actions call ``catalog.services``, which records every change in the admin log.
"""

from django.contrib import admin

from catalog.admin import history, refresh, suggestions, taxonomy, tools  # noqa: F401

# The app list beside every page takes ~290 px: without it a change list, its filters and its
# columns fit a 1280 px laptop screen. The home page and the breadcrumbs still lead everywhere.
admin.site.enable_nav_sidebar = False
