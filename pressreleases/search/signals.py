"""Signal receivers that keep the search indexes and the facet keys current; connected by the
app's `ready()`.

What a release's index row and facet keys hold comes from the release, its links, its quotes
(their speakers, organisations and the roles' organisations) and its tags, so a change to any
of them re-indexes the releases concerned. Renaming a person, structure or tag, moving a
structure in the tree or giving a role another organisation re-indexes only when that actually
changed; deleting a record re-indexes the releases that named it (deletion clears links and
attributions without signals of their own).
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver
from taggit.models import Tag

from taxonomy.models import Country, FieldOfWork, MeetingSeries, Structure

from ..facet_index import reconcile_facet_keys, refresh_facet_keys
from ..models import Appointment, Organisation, Person, PressRelease, Quote
from .indexing import reconcile_search_index, reindex, remove_quotes, remove_releases

INDEXED_RELEASE_FIELDS = {
    "title",
    "lead",
    "body",
    "language",
    "status",
    "publish_at",
    "content_type",
}
SOURCES = PressRelease.sources.through
TAGGED_ITEMS = PressRelease.tags.through
LINKS = [
    PressRelease._meta.get_field(name).remote_field.through
    for name in ("sources", "fields_of_work", "countries", "meeting_series")
]


@receiver(post_save, sender=PressRelease)
def _release_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is None or INDEXED_RELEASE_FIELDS & set(update_fields):
        reindex([instance.pk], using=using)


@receiver(post_delete, sender=PressRelease)
def _release_deleted(sender, instance, using, **kwargs):
    remove_releases([instance.pk], using=using)
    refresh_facet_keys([instance.pk], using=using)


def _links_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if reverse and action == "pre_clear":
        instance._search_releases = list(instance.press_releases.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        reindex([instance.pk], using=using)
    elif action == "post_clear":
        reindex(instance.__dict__.pop("_search_releases", []), using=using)
    else:
        reindex(sorted(pk_set), using=using)


for _links in LINKS:
    m2m_changed.connect(_links_changed, sender=_links, dispatch_uid=f"index-{_links._meta.label}")


@receiver(m2m_changed, sender=TAGGED_ITEMS)
def _tags_changed(sender, instance, action, using, **kwargs):
    if isinstance(instance, PressRelease) and action in {"post_add", "post_remove", "post_clear"}:
        reindex([instance.pk], using=using)


@receiver(post_save, sender=Quote)
def _quote_saved(sender, instance, using, **kwargs):
    reindex([instance.release_id], using=using)


@receiver(post_delete, sender=Quote)
def _quote_deleted(sender, instance, using, origin=None, **kwargs):
    remove_quotes([instance.pk], using=using)
    deleting_release = isinstance(origin, PressRelease) or (
        isinstance(origin, QuerySet) and origin.model is PressRelease
    )
    if not deleting_release:
        reindex([instance.release_id], using=using)


class _RecordWatch:
    """Re-indexes the releases that show a record (a speaker's name, a source's names and place
    in the tree, a role's organisation, a tag) when what `indexed` reads of it changes, or the
    record is deleted. Without `indexed`, only deletion matters."""

    def __init__(self, model, releases, indexed=None, fields: frozenset[str] = frozenset()):
        self.model, self.releases, self.indexed, self.fields = model, releases, indexed, fields

    def connect(self) -> None:
        uid = f"index-record-{self.model._meta.label_lower}"
        if self.indexed is not None:
            pre_save.connect(self.before_save, sender=self.model, dispatch_uid=uid)
            post_save.connect(self.after_save, sender=self.model, dispatch_uid=uid)
        pre_delete.connect(self.before_delete, sender=self.model, dispatch_uid=uid)
        post_delete.connect(self.after_delete, sender=self.model, dispatch_uid=uid)

    def before_save(self, sender, instance, using, update_fields=None, **kwargs) -> None:
        instance._indexed_before = None
        if instance.pk is None or (
            update_fields is not None and not self.fields & set(update_fields)
        ):
            return
        previous = self.model._default_manager.using(using).filter(pk=instance.pk).first()
        if previous is not None:
            instance._indexed_before = self.indexed(previous)

    def after_save(self, sender, instance, using, **kwargs) -> None:
        before = instance.__dict__.pop("_indexed_before", None)
        if before is not None and before != self.indexed(instance):
            reindex(self.releases(instance, using), using=using)

    def before_delete(self, sender, instance, using, **kwargs) -> None:
        instance._search_releases = self.releases(instance, using)

    def after_delete(self, sender, instance, using, **kwargs) -> None:
        reindex(instance.__dict__.pop("_search_releases", []), using=using)


def _quoted_releases(person: Person, using: str) -> list[int]:
    return list(
        Quote.objects.using(using)
        .filter(speaker=person)
        .values_list("release_id", flat=True)
        .distinct()
    )


def _sourced_releases(structure: Structure, using: str) -> list[int]:
    """Releases from the structure or from anything below it (whose facet keys name it)."""
    subtree, level = {structure.pk}, [structure.pk]
    while level:
        level = [
            pk
            for pk in Structure.objects.using(using)
            .filter(parent__in=level)
            .values_list("pk", flat=True)
            if pk not in subtree
        ]
        subtree.update(level)
    return list(
        SOURCES.objects.using(using)
        .filter(structure__in=subtree)
        .values_list("pressrelease_id", flat=True)
        .distinct()
    )


def _linked_releases(model):
    links = model.press_releases  # the reverse side of the release's many-to-many field
    term = f"{links.field.m2m_reverse_field_name()}_id"

    def releases(record, using: str) -> list[int]:
        return list(
            links.through.objects.using(using)
            .filter(**{term: record.pk})
            .values_list("pressrelease_id", flat=True)
        )

    return releases


def _releases_quoting_in(field: str):
    def releases(record, using: str) -> list[int]:
        return list(
            Quote.objects.using(using)
            .filter(**{field: record})
            .values_list("release_id", flat=True)
            .distinct()
        )

    return releases


def _tagged_releases(tag: Tag, using: str) -> list[int]:
    content_type = ContentType.objects.db_manager(using).get_for_model(PressRelease)
    return list(
        TAGGED_ITEMS.objects.using(using)
        .filter(tag=tag, content_type=content_type)
        .values_list("object_id", flat=True)
    )


_RECORD_WATCHES = [
    _RecordWatch(Person, _quoted_releases, lambda p: p.full_name, frozenset({"full_name"})),
    _RecordWatch(
        Structure,
        _sourced_releases,
        lambda s: (s.names(), s.parent_id),
        frozenset({"name", "full_name", "acronym", "short_names", "parent"}),
    ),
    _RecordWatch(Tag, _tagged_releases, lambda t: t.name, frozenset({"name"})),
    _RecordWatch(
        Appointment,
        _releases_quoting_in("appointment"),
        lambda a: (a.organisation_id,),  # a tuple: None means "not read" below
        frozenset({"organisation"}),
    ),
    _RecordWatch(Organisation, _releases_quoting_in("organisation")),
    *(
        _RecordWatch(model, _linked_releases(model))
        for model in (FieldOfWork, Country, MeetingSeries)
    ),
]
for _watch in _RECORD_WATCHES:
    _watch.connect()


@receiver(post_migrate, sender=apps.get_app_config("pressreleases"))
def _reconcile_after_migrate(sender, using, **kwargs):
    reconcile_search_index(using=using)
    reconcile_facet_keys(using=using)
