import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

register = template.Library()

# As json_script does: these characters cannot end the script element or open a comment.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag
def json_ld(data):
    """Structured data for search engines, safe inside a script element."""
    if not data:
        return ""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
    script_safe = mark_safe(payload)  # noqa: S308 (see _SCRIPT_SAFE)  # nosec B308 B703
    return format_html('<script type="application/ld+json">{}</script>', script_safe)


@register.filter
def machine_datetime(value):
    """A date and time as HTML's datetime attribute wants it: local offset, whole seconds."""
    if not value:
        return ""
    return localtime(value).isoformat(timespec="seconds")
