"""Speakers, organisations and quotes, at the top of the site (`/speakers/`, `/quotes/`)
rather than under `/press-releases/`, hence a module and a namespace of their own."""

from django.urls import path

from .views import people

app_name = "people"

urlpatterns = [
    path("speakers/", people.PersonListView.as_view(), name="speakers"),
    path("speakers/<slug:slug>/", people.PersonDetailView.as_view(), name="speaker"),
    path("organisations/", people.OrganisationListView.as_view(), name="organisations"),
    path(
        "organisations/<slug:slug>/",
        people.OrganisationDetailView.as_view(),
        name="organisation",
    ),
    path("quotes/", people.quote_list, name="quotes"),
]
