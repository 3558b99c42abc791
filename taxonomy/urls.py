from django.urls import path

from . import views

app_name = "taxonomy"

urlpatterns = [
    path("fields-of-work/", views.FieldOfWorkListView.as_view(), name="fields-of-work"),
    path(
        "fields-of-work/<slug:slug>/", views.FieldOfWorkDetailView.as_view(), name="field-of-work"
    ),
    path("countries/", views.CountryListView.as_view(), name="countries"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country"),
    path("structures/", views.StructureListView.as_view(), name="structures"),
    path("structures/<slug:slug>/", views.StructureDetailView.as_view(), name="structure"),
    path("meetings/", views.MeetingSeriesListView.as_view(), name="meetings"),
    path("meetings/<slug:slug>/", views.MeetingSeriesDetailView.as_view(), name="meeting-series"),
]
