"""{% fragment %}: a part of a page that is the same for every visitor, rendered once while
content stays as it is (news/content_cache.py says for whom, for how long, and under what key).

    {% fragment "post" post.pk if post.is_public %} … {% endfragment %}
    {% fragment "site-header" nav_current sitewide %} … {% endfragment %}

The name and the values after it say what the part varies on besides the content, the page's
address and the lifetime (the key always holds those; `sitewide`: the same on every page of
the host, so not its address); the optional `if` says when it is the same for everyone (a
moderator's or a visitor's own view is not: it is then rendered as if the tag were not there).

Django's {% cache %} would need the stamp, the address and the lifetime named in every use, and
cannot step aside for signed-in people: one forgotten name would serve a stale or personal
part to everyone. So the rule is written once, here and in content_cache.
"""

from django import template
from django.utils.safestring import mark_safe

from news import content_cache

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, condition, *, sitewide):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.condition = condition
        self.sitewide = sitewide

    def render(self, context):
        request = context.get("request")
        if request is None or (self.condition and not self.condition.resolve(context)):
            return self.nodelist.render(context)
        vary_on = tuple(value.resolve(context) for value in self.vary_on)
        html = content_cache.fragment(
            request,
            self.name,
            vary_on,
            lambda: self.nodelist.render(context),
            sitewide=self.sitewide,
        )
        return mark_safe(html)  # noqa: S308  # nosec B308 B703 (the template's own output)


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    condition = None
    if "if" in bits:
        where = bits.index("if")
        if where != len(bits) - 2:
            raise template.TemplateSyntaxError("{% fragment … if %} takes one value after if.")
        condition = parser.compile_filter(bits[-1])
        bits = bits[:where]
    sitewide = bits[-1] == "sitewide"
    if sitewide:
        bits = bits[:-1]
    name = bits[1].strip("\"'")
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name, vary_on, condition, sitewide=sitewide)
