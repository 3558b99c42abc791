from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from pressreleases.sitemaps import PressReleaseSitemap
from taxonomy.sitemaps import TaxonomySitemap

admin.site.site_header = "OSCE Newsroom administration"
admin.site.site_title = "OSCE Newsroom"

sitemaps = {"releases": PressReleaseSitemap, "taxonomy": TaxonomySitemap}

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("", include("taxonomy.urls")),
    path("press-releases/", include("pressreleases.urls")),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
