"""When a post is public, and when an event is still to come: each rule written once, as a Q.

The queryset methods filter with these conditions and the model's properties test the very
same conditions on one post in Python (`holds`), so the list of published posts and a post's
own `is_public` can never disagree, nor the upcoming events and a post's `is_upcoming`.
"""

import operator
from datetime import datetime
from typing import cast

from django.db import models
from django.db.models import Q


class Status(models.TextChoices):
    """What staff chose: the stored field. Whether the public sees the post also needs dates."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class State(models.TextChoices):
    """Where a post stands at a moment, as staff think of it: its status read with its dates."""

    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    EXPIRED = "expired", "Expired"


def state_conditions(now: datetime) -> dict[State, Q]:
    """The condition for each state at the moment `now`; a post the database accepts meets one.

    PUBLISHED is what "public" means: published, its time has come, and not yet taken down.
    """
    published = Q(status=Status.PUBLISHED)
    arrived = Q(published_at__lte=now)
    taken_down = Q(expires_at__lte=now)
    return {
        State.DRAFT: Q(status=Status.DRAFT),
        State.SCHEDULED: published & Q(published_at__gt=now),
        State.PUBLISHED: published & arrived & ~taken_down,
        State.EXPIRED: published & arrived & taken_down,
    }


def upcoming_condition(now: datetime) -> Q:
    """An event not over at `now`: it ends later, or, with no end given, starts later."""
    return Q(event_end__gte=now) | Q(event_end__isnull=True, event_start__gte=now)


_COMPARISONS = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def holds(condition: Q, obj) -> bool:
    """Whether `obj`'s own field values meet `condition`, as the database would decide.

    Only plain field lookups (exact, lt, lte, gt, gte, isnull) are understood: what the
    conditions above use. A comparison with a missing value is false, and a negation is true
    for it, as Django writes negated lookups on nullable fields.
    """
    results = (
        # A Q's children are Qs and (lookup, value) pairs.
        holds(child, obj) if isinstance(child, Q) else _lookup_holds(obj, *cast(tuple, child))
        for child in condition.children
    )
    met = all(results) if condition.connector == Q.AND else any(results)
    return met != condition.negated


def _lookup_holds(obj, lookup: str, wanted) -> bool:
    field, _, kind = lookup.partition("__")
    value = getattr(obj, field)
    if kind == "isnull":
        return (value is None) == wanted
    if (compare := _COMPARISONS.get(kind or "exact")) is None:
        raise ValueError(f"holds() does not understand the lookup {lookup!r}.")
    return value is not None and compare(value, wanted)
