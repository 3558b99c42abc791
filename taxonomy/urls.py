"""The vocabularies' index pages. Each term's own page lists its releases, so it lives with the
releases (pressreleases/taxonomy_urls.py); the project URLconf serves both in this namespace."""

from django.urls import path

from . import views

app_name = "taxonomy"

urlpatterns = [
    path("fields-of-work/", views.FieldOfWorkListView.as_view(), name="fields-of-work"),
    path("countries/", views.CountryListView.as_view(), name="countries"),
    path("structures/", views.StructureListView.as_view(), name="structures"),
    path("meetings/", views.MeetingSeriesListView.as_view(), name="meetings"),
]
