from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

admin.site.site_header = "OSCE Newsroom administration"
admin.site.site_title = "OSCE Newsroom"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("", include("taxonomy.urls")),
    path("admin/", admin.site.urls),
]
