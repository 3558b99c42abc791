from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from pressreleases import taxonomy_urls as taxonomy_pages
from pressreleases.caching import public_page
from pressreleases.sitemaps import PressReleaseSitemap
from pressreleases.views import listing
from taxonomy import urls as taxonomy_urls
from taxonomy.sitemaps import TaxonomySitemap

admin.site.site_header = "OSCE Newsroom administration"
admin.site.site_title = "OSCE Newsroom"

sitemaps = {"releases": PressReleaseSitemap, "taxonomy": TaxonomySitemap}

urlpatterns = [
    # The benchmark's baseline page; routes exist only with settings.BENCHMARK on.
    path("__bench__/", include("osce_cms.benchmark")),
    path("", listing.home, name="home"),
    # One "taxonomy" namespace: the index pages from taxonomy, each term's page (a slice of the
    # release listing) from pressreleases, which taxonomy must not import.
    path("", include(([*taxonomy_urls.urlpatterns, *taxonomy_pages.urlpatterns], "taxonomy"))),
    path("press-releases/", include("pressreleases.urls")),
    path("", include("pressreleases.people_urls")),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
