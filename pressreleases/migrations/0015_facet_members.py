from django.db import migrations, models


def clear_keys(apps, schema_editor):
    # Every total gains the set of its releases: empty the keys and their totals, and the
    # post_migrate reconcile (facet_index.reconcile_facet_keys) writes them all again.
    alias = schema_editor.connection.alias
    for model in ("FacetKeys", "FacetTotal"):
        apps.get_model("pressreleases", model).objects.using(alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("pressreleases", "0014_search_vectors_in_rows"),
    ]

    operations = [
        migrations.RunPython(clear_keys, migrations.RunPython.noop),
        migrations.AddField(
            model_name="facettotal",
            name="members",
            field=models.BinaryField(
                default=b"",
                help_text="The ids of these releases, as a Roaring bitmap in its portable format.",
            ),
            preserve_default=False,
        ),
    ]
