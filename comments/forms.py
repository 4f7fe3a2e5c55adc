"""The public "Leave a Reply" form: what a visitor (or signed-in staff) may send, and how each
mistake is explained."""

from typing import cast

from django import forms
from django.http import QueryDict

from comments.models import WEB_ADDRESS, Comment
from comments.policy import ReplyPolicy

REMEMBER_LABEL = "Save my name, email, and website in this browser for the next time I comment."
NOTIFY_LABEL = "Email me when my comment is published"


class PlainTextField(forms.CharField):
    """Browsers count a line break as one character against maxlength but send two (\r\n):
    count them as the visitor saw them."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class WebsiteField(forms.URLField):
    """A web page's address, with the model's own rule of which (not only any URL's)."""

    default_validators = [WEB_ADDRESS]


# The visitor's fields as the reply model defines them (lengths, kinds), with the words and
# widgets of the public form. Made once, and shared by every form (see _SharedFields).
_AUTHOR_FIELDS = forms.fields_for_model(
    Comment,
    fields=["name", "email", "website", "text"],
    field_classes={"text": PlainTextField, "website": WebsiteField},
    labels={"name": "Name", "email": "Email", "website": "Website", "text": "Comment"},
    help_texts={
        "email": "Your email address will not be published.",
        "text": "Plain text; web addresses become links.",
    },
    widgets={
        "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": 100}),
        "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        "website": forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
        "text": forms.Textarea(attrs={"rows": 8, "maxlength": 5000}),
    },
    error_messages={
        "name": {
            "required": "Please enter your name.",
            "max_length": "Please shorten your name to 100 characters or fewer.",
        },
        "email": {
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.org.",
        },
        "website": {
            "invalid": "Please enter a full web address starting with http:// or https://, "
            "like https://example.org."
        },
        "text": {
            "required": "Please write your comment.",
            "max_length": "Please shorten your comment to 5,000 characters or fewer "
            "(it has %(show_value)d).",
        },
    },
)


class CommentForm(forms.Form):
    """The public "Leave a Reply" form; staff who are signed in write as themselves.

    A plain form, as django-contrib-comments' is: the view saves the reply through
    services.submit_comment with what the rules decided, so no model instance is built or
    validated here (the fields carry the model's own limits)."""

    name = _AUTHOR_FIELDS["name"]
    email = _AUTHOR_FIELDS["email"]
    website = _AUTHOR_FIELDS["website"]
    text = _AUTHOR_FIELDS["text"]
    # Text, not a number field: a damaged value must not trap the visitor (see clean_parent).
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    issued = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people (and screen readers) by the page; robots fill it in.
    subject = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    remember = forms.BooleanField(label=REMEMBER_LABEL, required=False)
    notify = forms.BooleanField(label=NOTIFY_LABEL, required=False)

    def __init__(self, *args, post, policy: ReplyPolicy, user=None, **kwargs):
        self.post = post
        self.policy = policy
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(*args, **kwargs)
        if self.is_staff_author:
            for name in ("name", "email", "website", "remember", "notify"):
                del self.fields[name]

    @property
    def is_staff_author(self) -> bool:
        return self.user is not None and self.user.is_staff

    @property
    def visible_fields_for_people(self):
        return [field for field in self if field.name not in ("subject", "parent", "issued")]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not any(character.isalnum() for character in name):  # not blank, nor invisible
            raise forms.ValidationError("Please enter your name.", code="required")
        return name

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Please write your comment.", code="required")
        return text

    def clean_parent(self):
        value = (self.cleaned_data.get("parent") or "").strip()
        if not value:
            return None
        parent = None
        if value.isascii() and value.isdigit() and len(value) < 19:
            # Only published replies can be answered: the page offers no other.
            parent = Comment.objects.filter(pk=int(value), post=self.post).approved().first()
        if parent is None:
            return self._drop_parent(
                "The comment you were answering is no longer shown. Send your reply again and "
                "it will be posted under the post instead."
            )
        if not self.policy.has_room_below(parent):
            return self._drop_parent(
                "This conversation cannot go any deeper. Send your reply again and it will be "
                "posted under the post instead."
            )
        return parent

    def _drop_parent(self, message: str) -> None:
        # A hidden field has no place to show an error: tell the visitor at the top, and
        # re-show the form without the parent, so sending it again works.
        self.add_error(None, message)
        # A bound form's data: request.POST (or a dict), which copy() makes writable.
        data = cast(QueryDict, self.data).copy()
        data["parent"] = ""
        self.data = data
        return None

    def author_details(self) -> dict:
        if self.is_staff_author:
            user = self.user
            assert user is not None  # nosec B101 # is_staff_author: a signed-in member of staff
            return {"name": user.get_full_name() or user.get_username(), "email": user.email}
        data = self.cleaned_data
        return {"name": data["name"], "email": data["email"], "website": data["website"]}


class _SharedFields(dict):
    """A form's fields, which Django deep-copies for each form so that one form may change its
    own: these forms change none (staff's only leaves some out of its own dict), so each form
    takes the same fields, and a reply sent skips copying nine fields and their widgets."""

    def __deepcopy__(self, memo):
        return dict(self)


# Judged by clean_parent, the signature and the honeypot rule, whatever they hold.
for _name in ("parent", "issued", "subject"):
    CommentForm.base_fields[_name].validators = []
CommentForm.base_fields = _SharedFields(CommentForm.base_fields)
