"""Disk full while an admin form saves: the form comes back with all that was typed and a
clear error, and nothing of the attempt is kept (no row, no file, partial or whole).

For the admin of any model whose save writes files (papers, posts with featured images).
"""

import errno
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from documents.storage import recording_writes

DISK_FULL_MESSAGE = (
    "The server's disk is full; nothing was saved. Please tell the site's administrator."
)


# The ModelAdmin this is mixed into, for the type checker; nothing at run time.
if TYPE_CHECKING:
    _Base = admin.ModelAdmin
else:
    _Base = object


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


class DiskFullAdminMixin(_Base):
    """A ModelAdmin mixin: ENOSPC (or a full quota) during the save shows the form again.

    The admin saves in one transaction, so the failed attempt's rows are rolled back; the
    files it wrote are deleted here. The form is then validated again with the same data and
    refused with DISK_FULL_MESSAGE, so the person sees everything they typed.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with recording_writes() as written:
                return super().changeform_view(request, object_id, form_url, extra_context)
        except OSError as error:
            if not is_disk_full(error):
                raise
            for name in written:
                default_storage.delete(name)
            request.disk_full = True
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, "disk_full", False):  # set by changeform_view, above
            return form_class

        def clean(form):
            form_class.clean(form)  # every field cleaned as before, so all is shown back
            raise ValidationError(DISK_FULL_MESSAGE, code="disk_full")

        # As modelform_factory makes its classes: the form's own metaclass, the admin's Meta.
        metaclass: Any = type(form_class)
        return metaclass(f"DiskFull{form_class.__name__}", (form_class,), {"clean": clean})
