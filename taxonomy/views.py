from django.views.generic import DetailView, ListView

from .models import Country, FieldOfWork, MeetingSeries, Structure


class FieldOfWorkListView(ListView):
    model = FieldOfWork


class FieldOfWorkDetailView(DetailView):
    model = FieldOfWork


class CountryListView(ListView):
    model = Country


class CountryDetailView(DetailView):
    model = Country

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(
            hosted_field_operations=self.object.hosted_structures.field_operations(),
            chairpersonship_years=[c.year for c in self.object.chairpersonships.order_by("year")],
            **kwargs,
        )


class StructureListView(ListView):
    model = Structure

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "host_country")


class StructureDetailView(DetailView):
    model = Structure

    def get_queryset(self):
        return super().get_queryset().select_related("parent", "host_country")

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(children=self.object.children.all(), **kwargs)


class MeetingSeriesListView(ListView):
    model = MeetingSeries


class MeetingSeriesDetailView(DetailView):
    model = MeetingSeries
