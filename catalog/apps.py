from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog.search.sqlite_index import connect

        connect(self)  # SQLite: the search table's triggers survive later migrations
