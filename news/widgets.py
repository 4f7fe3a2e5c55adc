"""The post form's own widgets: a featured image that survives a refused form, and tags."""

from django.contrib.admin.widgets import AdminFileWidget
from django.utils.html import format_html
from taggit.forms import TagWidget


class KeptImageInput(AdminFileWidget):
    """The featured image's file input, showing an image chosen before the form was refused.

    `kept` is set by PostAdminForm: {"key", "name", "url"} of the file kept on the server
    (news.pending_uploads). The key travels in a hidden input named "<name>-kept"; ticking
    "Discard" drops the file, and choosing another file replaces it.
    """

    kept: dict | None = None
    # A <label> names the input (Django's default wraps it in a fieldset with a legend, which
    # leaves the input itself without a name when no image is set yet).
    use_fieldset = False

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.kept:
            return html
        return format_html(
            '<div class="kept-upload" id="{id}-kept">'
            '<img src="{url}" alt="" width="96" class="kept-upload-thumb">'
            "<p><strong>chosen: <bdi>{file}</bdi></strong> (not saved yet: it is kept for you, "
            "and saving the form uses it)</p>"
            '<input type="hidden" name="{name}-kept" value="{key}">'
            '<label class="kept-upload-discard"><input type="checkbox" name="{name}-kept-discard">'
            " Discard this image</label></div>{input}",
            id=(attrs or {}).get("id", name),
            url=self.kept["url"],
            file=self.kept["name"],
            name=name,
            key=self.kept["key"],
            input=html,
        )


class TagsInput(TagWidget):
    """The comma-separated tags box, which news/static/news/editor.js turns into suggestions
    from existing tags and chips marking each tag as existing or new."""

    def __init__(self, suggest_url: str = "", attrs=None):
        super().__init__(attrs)
        self.suggest_url = suggest_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-tag-suggestions"] = self.suggest_url
        context["widget"]["attrs"]["autocomplete"] = "off"
        return context
