from django.contrib.sitemaps import Sitemap

from .models import PressRelease


class PressReleaseSitemap(Sitemap):
    """Every public release; the framework splits it into pages of 50,000 URLs."""

    changefreq = "monthly"

    def items(self):
        return PressRelease.objects.public().order_by("publish_at", "pk").only("slug", "updated_at")

    def lastmod(self, release: PressRelease):
        return release.updated_at
