"""A URLconf that serves the taxonomy's pages under /taxonomy/, for the tests of term addresses."""

from django.urls import include, path

from pressreleases import taxonomy_urls as taxonomy_pages
from taxonomy import urls as taxonomy_urls

urlpatterns = [
    path(
        "taxonomy/",
        include(([*taxonomy_urls.urlpatterns, *taxonomy_pages.urlpatterns], "taxonomy")),
    ),
]
