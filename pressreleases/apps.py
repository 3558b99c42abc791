from django.apps import AppConfig


class PressReleasesConfig(AppConfig):
    name = "pressreleases"
    verbose_name = "Press releases"

    def ready(self) -> None:
        # Connect the signal receivers: the public pages' content stamp, image files, and the
        # search indexes all follow every change to the content.
        from . import caching, images  # noqa: F401
        from .search import signals  # noqa: F401
