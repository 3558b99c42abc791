from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Country, FieldOfWork, MeetingSeries, Structure


class TaxonomySitemap(Sitemap):
    """The pages of each vocabulary and their index pages."""

    changefreq = "weekly"
    index_pages = [
        "taxonomy:fields-of-work",
        "taxonomy:countries",
        "taxonomy:structures",
        "taxonomy:meetings",
    ]

    def items(self) -> list:
        terms = [
            *FieldOfWork.objects.only("slug"),
            *Country.objects.only("slug"),
            *Structure.objects.only("slug"),
            *MeetingSeries.objects.only("slug"),
        ]
        return [*self.index_pages, *terms]

    def location(self, item) -> str:
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()
