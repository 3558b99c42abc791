from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "taxonomy"
    verbose_name = "OSCE taxonomy"

    def ready(self) -> None:
        from . import navigation  # noqa: F401  (connects the cache-invalidation signals)
