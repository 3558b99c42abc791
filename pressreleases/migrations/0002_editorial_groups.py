"""Create the two newsroom roles, Editors and Publishers, with their permissions.

Permissions are normally created after migrations finish; create them here first so the groups
can hold them on a fresh database.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

EDITABLE = {
    "pressreleases": ["pressrelease", "quote", "image", "attachment", "person", "appointment", "organisation"],
    "taggit": ["tag"],
}
VIEWABLE = {
    "taxonomy": ["fieldofwork", "country", "chairpersonship", "structure", "meetingseries"],
}
PUBLISHER_EXTRA = [
    ("pressreleases", "publish_pressrelease"),
    ("pressreleases", "delete_pressrelease"),
    ("pressreleases", "delete_quote"),
    ("pressreleases", "delete_image"),
    ("pressreleases", "delete_attachment"),
]


def codenames(models: dict[str, list[str]], actions: list[str]) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for app, names in models.items() for model in names for action in actions]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return found

    editor_permissions = permissions(
        codenames(EDITABLE, ["add", "change", "view"]) + codenames(VIEWABLE, ["view"])
    )
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(editor_permissions)
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.set(editor_permissions + permissions(PUBLISHER_EXTRA))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pressreleases", "0001_initial"),
        ("taxonomy", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
