"""The admin's form for a paper: its file is checked by content, next to the field."""

from django import forms

from documents.formats import enabled_formats
from documents.ingest import check_upload


class DocumentForm(forms.ModelForm):
    """The file is checked here by its content, so a refusal shows next to the field.

    It stands in for the model's file field (DocumentAdmin.exclude): that field's name-based
    check would refuse the Office formats settings may allow, and the ingest service stores
    the file itself.
    """

    file = forms.FileField(label="File")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formats = enabled_formats()
        self.fields["file"].help_text = (
            f"A {' or '.join(f.file_type for f in formats)} file. Its content is checked, not "
            "only its name. Leave the title blank to use the title inside the PDF."
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{f.extension}" for f in formats)
        if self.instance.pk:
            self.fields["file"].required = False
            self.fields["file"].label = "Upload a new version"
            self.fields["file"].help_text = (
                "Leave empty to keep the current file. A new file keeps the paper's address; "
                "the current one is kept below as an earlier version."
            )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload, replacing=self.instance if self.instance.pk else None)
        return upload
