from django.views.generic import ListView

from .models import Country, FieldOfWork, MeetingSeries, Structure


class FieldOfWorkListView(ListView):
    model = FieldOfWork


class CountryListView(ListView):
    model = Country


class StructureListView(ListView):
    model = Structure

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "host_country")


class MeetingSeriesListView(ListView):
    model = MeetingSeries
