from django.apps import AppConfig


class PressReleasesConfig(AppConfig):
    name = "pressreleases"
    verbose_name = "Press releases"
