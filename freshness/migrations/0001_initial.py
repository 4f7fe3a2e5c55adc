from django.db import migrations, models


class Migration(migrations.Migration):
    """The content stamp, moved here from news (news 0012 carries its row over)."""

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ContentStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("changed_at", models.DateTimeField()),
            ],
            options={"verbose_name": "content change"},
        ),
    ]
