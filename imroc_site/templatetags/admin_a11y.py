"""Accessible names for the form controls Django's admin templates render without a label."""

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def named(bound_field: forms.BoundField, name: str) -> SafeString:
    """The field's widget with `name` as its accessible name (aria-label).

    For controls with no <label> of their own: a tabular inline's cells (their heading is the
    column's) and file inputs Django puts in a fieldset, whose legend names no control.
    """
    html = bound_field.as_widget(attrs={"aria-label": str(name).rstrip(":")})
    if bound_field.field.show_hidden_initial:
        html += bound_field.as_hidden(only_initial=True)
    return html  # Django's widget HTML, safe as it rendered it (safe + safe stays safe)


@register.filter
def is_file_input(bound_field: forms.BoundField) -> bool:
    return isinstance(bound_field.field.widget, forms.FileInput)
