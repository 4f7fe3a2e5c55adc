"""Rows the data migrations make, made again after a transactional test's flush wiped them.

Tests that need committed rows (a live server, a worker) run in `transactional_db`, after
which pytest-django flushes every table: the staff groups, the News and Events categories and
the discussion settings' row go with it (the flush's post_migrate signal brings back content
types and permissions only). `serialized_rollback=True` would restore them, but it also stops
that signal, so later tests would find no permissions at all. Instead the migrations' own
functions run again, against the historical models they were written for, so the rows always
match what a real site gets.
"""

import importlib

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comments.models import DiscussionSettings
from news.models import Category

# The function the staff groups' data migrations run, given the models as the last
# migrations leave them (so a model a later migration drops gets no permissions back).
_groups = importlib.import_module("imroc_site.migrations._groups")
_categories = importlib.import_module("news.migrations.0003_categories_and_html_bodies")


def ensure_staff_groups() -> dict[str, Group]:
    if Group.objects.filter(name__in=_groups.GROUPS).count() < len(_groups.GROUPS):
        state = MigrationExecutor(connection).loader.project_state()
        _groups.sync_groups(state.apps, None)
    return {group.name: group for group in Group.objects.filter(name__in=_groups.GROUPS)}


def ensure_categories() -> dict:
    for name, slug, description in _categories.CATEGORIES:
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    return {category.slug: category for category in Category.objects.all()}


def ensure_all() -> None:
    ensure_staff_groups()
    ensure_categories()
    DiscussionSettings.current()
