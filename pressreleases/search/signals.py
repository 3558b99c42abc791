"""Signal receivers that keep the search indexes current; connected by the app's `ready()`.

What a release's index row holds comes from the release, its quotes and their speakers, its
sources and its tags, so a change to any of them re-indexes the releases concerned. Renaming a
person, structure or tag re-indexes only when a searched name actually changed.
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

from taxonomy.models import Structure

from ..models import Person, PressRelease, Quote
from .indexing import reconcile_search_index, reindex, remove_quotes, remove_releases

SEARCHED_RELEASE_FIELDS = {"title", "lead", "body", "language", "status"}
SOURCES = PressRelease.sources.through
TAGGED_ITEMS = PressRelease.tags.through


@receiver(post_save, sender=PressRelease)
def _release_saved(sender, instance, using, update_fields=None, **kwargs):
    if update_fields is None or SEARCHED_RELEASE_FIELDS & set(update_fields):
        reindex([instance.pk], using=using)


@receiver(post_delete, sender=PressRelease)
def _release_deleted(sender, instance, using, **kwargs):
    remove_releases([instance.pk], using=using)


@receiver(m2m_changed, sender=SOURCES)
def _sources_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
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


class _NameWatch:
    """Re-indexes the releases that show a record's names (a speaker's, a source's, a tag's)
    when those names change or the record is deleted."""

    def __init__(self, model, names, fields: set[str], releases) -> None:
        self.model, self.names, self.fields, self.releases = model, names, fields, releases

    def connect(self) -> None:
        uid = f"search-names-{self.model._meta.label_lower}"
        pre_save.connect(self.before_save, sender=self.model, dispatch_uid=uid)
        post_save.connect(self.after_save, sender=self.model, dispatch_uid=uid)
        pre_delete.connect(self.before_delete, sender=self.model, dispatch_uid=uid)
        post_delete.connect(self.after_delete, sender=self.model, dispatch_uid=uid)

    def before_save(self, sender, instance, using, update_fields=None, **kwargs) -> None:
        instance._search_names_before = None
        if instance.pk is None or (
            update_fields is not None and not self.fields & set(update_fields)
        ):
            return
        previous = self.model._default_manager.using(using).filter(pk=instance.pk).first()
        if previous is not None:
            instance._search_names_before = self.names(previous)

    def after_save(self, sender, instance, using, **kwargs) -> None:
        before = instance.__dict__.pop("_search_names_before", None)
        if before is not None and before != self.names(instance):
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
    return list(
        SOURCES.objects.using(using)
        .filter(structure=structure)
        .values_list("pressrelease_id", flat=True)
    )


def _tagged_releases(tag: Tag, using: str) -> list[int]:
    content_type = ContentType.objects.db_manager(using).get_for_model(PressRelease)
    return list(
        TAGGED_ITEMS.objects.using(using)
        .filter(tag=tag, content_type=content_type)
        .values_list("object_id", flat=True)
    )


_NAME_WATCHES = [
    _NameWatch(Person, lambda p: p.full_name, {"full_name"}, _quoted_releases),
    _NameWatch(
        Structure,
        Structure.names,
        {"name", "full_name", "acronym", "short_names"},
        _sourced_releases,
    ),
    _NameWatch(Tag, lambda t: t.name, {"name"}, _tagged_releases),
]
for _watch in _NAME_WATCHES:
    _watch.connect()


@receiver(post_migrate, sender=apps.get_app_config("pressreleases"))
def _reconcile_after_migrate(sender, using, **kwargs):
    reconcile_search_index(using=using)
