from django.db import migrations
from django.utils.html import escape, linebreaks

CATEGORIES = [
    ("News", "news", "News from us and the people we work with."),
    ("Events", "events", "Events, workshops and conferences: upcoming ones first."),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("news", "Category")
    Post = apps.get_model("news", "Post")
    for name, slug, description in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    news = Category.objects.get(slug="news")
    Post.objects.filter(category__isnull=True).update(category=news)
    # Bodies were plain text with blank lines between paragraphs; they are HTML from now on.
    for post in Post.objects.exclude(body__contains="<"):
        post.body = linebreaks(escape(post.body))
        post.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("news", "0002_rich_posts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
