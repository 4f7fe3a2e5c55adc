"""The admin templates' access to imroc_site.staff_words."""

from django import template
from django.utils.text import capfirst

from imroc_site import staff_words

register = template.Library()


@register.filter
def plural_title(opts) -> str:
    """A model's plural as a list's title: "Posts", "Replies", "Papers"."""
    return capfirst(staff_words.plural(opts))
