from django.contrib import admin
from django.db.models import Count
from reversion.admin import VersionAdmin

from .models import Chairpersonship, Country, FieldOfWork, MeetingSeries, Structure


class TermAdmin(VersionAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FieldOfWork)
class FieldOfWorkAdmin(TermAdmin):
    pass


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(TermAdmin):
    pass


@admin.register(Country)
class CountryAdmin(TermAdmin):
    list_display = ["name", "iso_code", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["name", "official_name", "iso_code", "slug"]


@admin.register(Chairpersonship)
class ChairpersonshipAdmin(VersionAdmin):
    list_display = ["year", "country"]
    list_select_related = ["country"]
    autocomplete_fields = ["country"]
    search_fields = ["country__name", "year"]


class ChildStructureInline(admin.TabularInline):
    model = Structure
    fk_name = "parent"
    fields = ["name", "kind", "acronym", "closed_year"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False
    verbose_name_plural = "Units and offices under this body"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Structure)
class StructureAdmin(TermAdmin):
    list_display = ["name", "acronym", "kind", "parent", "host_country", "is_open", "child_count"]
    list_editable = []
    list_filter = ["kind", ("closed_year", admin.EmptyFieldListFilter), "host_country"]
    list_select_related = ["parent", "host_country"]
    search_fields = ["name", "full_name", "acronym", "slug"]
    autocomplete_fields = ["parent", "host_country"]
    inlines = [ChildStructureInline]
    fieldsets = [
        (None, {"fields": ["name", "full_name", "acronym", "slug", "kind", "parent", "order"]}),
        ("Where and when", {"fields": ["seat", "host_country", "opened_year", "closed_year"]}),
        ("Description and other names", {"fields": ["description", "short_names"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(child_total=Count("children"))

    @admin.display(boolean=True, description="open", ordering="closed_year")
    def is_open(self, structure: Structure) -> bool:
        return not structure.is_closed

    @admin.display(description="units", ordering="child_total")
    def child_count(self, structure: Structure) -> int:
        return structure.child_total
