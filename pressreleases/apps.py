from django.apps import AppConfig


class PressReleasesConfig(AppConfig):
    name = "pressreleases"
    verbose_name = "Press releases"

    def ready(self) -> None:
        from . import caching  # noqa: F401  (renews the public pages' content stamp)
        from . import images  # noqa: F401  (connects the image file receivers)
        from .search import signals  # noqa: F401  (keeps the search indexes current)
