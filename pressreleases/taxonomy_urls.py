"""The taxonomy terms' own pages, which are slices of the release listing.

The project URLconf serves these in the "taxonomy" namespace, next to the taxonomy app's index
pages, so `FieldOfWork.get_absolute_url()` and its siblings keep reversing
"taxonomy:field-of-work" and the like, while the taxonomy app never imports this one.
"""

from django.urls import path

from .views import listing

urlpatterns = [
    path("fields-of-work/<slug:slug>/", listing.field_of_work_page, name="field-of-work"),
    path("countries/<slug:slug>/", listing.country_page, name="country"),
    path("structures/<slug:slug>/", listing.structure_page, name="structure"),
    path("meetings/<slug:slug>/", listing.meeting_series_page, name="meeting-series"),
]
