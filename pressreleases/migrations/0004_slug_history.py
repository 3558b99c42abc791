import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pressreleases", "0003_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="PressReleaseSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=120)),
                ("replaced_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "release",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="previous_slugs",
                        to="pressreleases.pressrelease",
                    ),
                ),
            ],
            options={
                "verbose_name": "previous slug",
                "ordering": ["-replaced_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("release", "slug"), name="previous_slug_once_per_release"
                    )
                ],
            },
        ),
    ]
