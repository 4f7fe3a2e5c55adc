"""Post history moves to django-reversion, and PostRevision goes.

Each PostRevision becomes a reversion Revision (its date, its user, its note as the comment)
holding the Versions that news.revisions.record makes: the post, its category, its tags, its
papers' places and their titles. A tag or a place deleted since gets an id no row has (below
zero): its Version keeps only what the revision said of it. Written against the rows as they
stand here, not against news.revisions, so that it keeps working whatever that code becomes.
Going back turns the post revisions into PostRevision rows again, and deletes them from reversion
(so going forward again does not keep them twice).
"""

import json
from itertools import count

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

NOTE_KEY = "_note"
POST_FIELDS = (
    "title",
    "slug",
    "excerpt",
    "body",
    "signature",
    "image",
    "image_alt",
    "status",
    "event_location",
    "published_at",
    "expires_at",
    "event_start",
    "event_end",
)
MODELS = ("news.post", "news.category", "taggit.tag", "news.attachment", "documents.document")


def _content_types(apps, db):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return {
        label: ContentType.objects.db_manager(db).get_or_create(
            app_label=label.split(".")[0], model=label.split(".")[1]
        )[0]
        for label in MODELS
    }


def _rows(old, tags, places):
    """(model label, pk, fields, text) for each Version of one PostRevision."""
    content = old.content
    missing = count(-1, -1)
    post_fields = {name: content[name] for name in POST_FIELDS if name in content}
    category = content["category"]
    yield "news.post", old.post_id, {**post_fields, "category": category["id"]}, content["title"]
    yield "news.category", category["id"], {"name": category["name"]}, category["name"]
    for name in content.get("tags", []):
        yield "taggit.tag", tags.get(name) or next(missing), {"name": name}, name
    for position, paper in enumerate(content.get("papers", [])):
        place = {"post": old.post_id, "document": paper["id"], "position": position}
        yield "news.attachment", places.get(paper["id"]) or next(missing), place, paper["title"]
        yield "documents.document", paper["id"], {"title": paper["title"]}, paper["title"]


def to_reversion(apps, schema_editor):
    db = schema_editor.connection.alias
    PostRevision = apps.get_model("news", "PostRevision")
    Attachment = apps.get_model("news", "Attachment")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    types = _content_types(apps, db)
    tags = dict(apps.get_model("taggit", "Tag").objects.using(db).values_list("name", "pk"))
    for old in PostRevision.objects.using(db).order_by("created_at", "pk").iterator():
        places = dict(
            Attachment.objects.using(db)
            .filter(post_id=old.post_id)
            .values_list("document_id", "pk")
        )
        revision = Revision.objects.using(db).create(
            date_created=old.created_at,
            user_id=old.created_by_id,
            comment=old.content.get(NOTE_KEY, ""),
        )
        Version.objects.using(db).bulk_create(
            Version(
                revision=revision,
                content_type=types[label],
                object_id=str(pk),
                db=db,
                format="json",
                serialized_data=json.dumps(
                    [{"model": label, "pk": pk, "fields": fields}], cls=DjangoJSONEncoder
                ),
                object_repr=text,
            )
            for label, pk, fields, text in _rows(old, tags, places)
        )


def to_post_revisions(apps, schema_editor):
    db = schema_editor.connection.alias
    PostRevision = apps.get_model("news", "PostRevision")
    Post = apps.get_model("news", "Post")
    Version = apps.get_model("reversion", "Version")
    types = _content_types(apps, db)
    posts = set(Post.objects.using(db).values_list("pk", flat=True))
    post_versions = Version.objects.using(db).filter(content_type=types["news.post"])
    converted = set()
    for version in post_versions.select_related("revision").iterator():
        converted.add(version.revision_id)
        if int(version.object_id) not in posts:
            continue  # a deleted post's history: PostRevision had none
        rows = {}
        for other in version.revision.version_set.all():
            for row in json.loads(other.serialized_data):
                rows.setdefault(row["model"], {})[row["pk"]] = row["fields"]
        [(post_id, fields)] = rows["news.post"].items()
        content = {name: fields[name] for name in POST_FIELDS if name in fields}
        category = fields["category"]
        content["category"] = {"id": category, "name": rows["news.category"][category]["name"]}
        names = [tag["name"] for tag in rows.get("taggit.tag", {}).values()]
        content["tags"] = sorted(names, key=lambda name: (name.casefold(), name))
        places = sorted(
            (place["position"], pk, place["document"])
            for pk, place in rows.get("news.attachment", {}).items()
            if place["post"] == post_id
        )
        titles = rows.get("documents.document", {})
        content["papers"] = [{"id": d, "title": titles[d]["title"]} for *_, d in places]
        if version.revision.comment:
            content[NOTE_KEY] = version.revision.comment
        PostRevision.objects.using(db).create(
            post_id=post_id,
            created_at=version.revision.date_created,
            created_by_id=version.revision.user_id,
            content=content,
        )
    apps.get_model("reversion", "Revision").objects.using(db).filter(pk__in=converted).delete()


def forget_post_revision_permissions(apps, schema_editor):
    """Its permissions go with its content type, and so leave the groups that held them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="news", model="postrevision").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("news", "0012_move_contentstamp"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("documents", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(to_reversion, to_post_revisions),
        migrations.DeleteModel(name="PostRevision"),
        migrations.RunPython(forget_post_revision_permissions, migrations.RunPython.noop),
    ]
