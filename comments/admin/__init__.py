"""The comments admin, one module per job: the moderation queue (queue.py) with its two pages
of its own, approve-and-reply (approve_reply.py) and personal data (personal_data.py), and
the single-row settings pages (single_row.py). Registered here."""

from django.contrib import admin

from comments.admin.queue import CommentAdmin
from comments.admin.single_row import DiscussionSettingsAdmin, ModeratorPreferenceAdmin
from comments.models import Comment, DiscussionSettings, ModeratorPreference

admin.site.register(Comment, CommentAdmin)
admin.site.register(DiscussionSettings, DiscussionSettingsAdmin)
admin.site.register(ModeratorPreference, ModeratorPreferenceAdmin)
