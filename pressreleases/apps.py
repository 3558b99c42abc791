from django.apps import AppConfig


class PressReleasesConfig(AppConfig):
    name = "pressreleases"
    verbose_name = "Press releases"

    def ready(self) -> None:
        from . import images  # noqa: F401  (connects the image file receivers)
