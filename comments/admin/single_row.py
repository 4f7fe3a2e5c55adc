"""Admin pages for models edited one row at a time: the discussion settings, and each
moderator's own email preference."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from comments.admin.pages import AdminPages
from comments.models import DiscussionSettings, ModeratorPreference


class SingleRowAdmin(AdminPages, admin.ModelAdmin):
    """A model edited one row at a time: its list goes straight to the row it is about."""

    def row_for(self, request):
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect(self._url("change", self.row_for(request)))

    def has_add_permission(self, request):
        return False  # the list makes the row on first use

    def has_delete_permission(self, request, obj=None):
        return False


class DiscussionSettingsAdmin(SingleRowAdmin):
    fieldsets = [
        (
            "Holding and publishing",
            {
                "fields": [
                    "hold_for_moderation",
                    "auto_approve_known_authors",
                    "max_links",
                    "hold_words",
                    "spam_words",
                ]
            },
        ),
        ("Closing and notifying", {"fields": ["close_after_days", "notify_post_author"]}),
    ]

    def row_for(self, request):
        return DiscussionSettings.current()


class ModeratorPreferenceAdmin(SingleRowAdmin):
    fields = ["user", "delivery"]
    readonly_fields = ["user"]

    def get_queryset(self, request):
        # Each moderator sees and edits only their own; superusers look after everyone's.
        rows = super().get_queryset(request).select_related("user")
        return rows if request.user.is_superuser else rows.filter(user=request.user)

    def row_for(self, request):
        return ModeratorPreference.objects.get_or_create(user=request.user)[0]

    def changelist_view(self, request, extra_context=None):
        if request.user.is_superuser:
            return admin.ModelAdmin.changelist_view(self, request, extra_context)
        return super().changelist_view(request, extra_context)
