"""Path converters for the app's routes (registered in documents.urls)."""

from documents.previews import PREVIEW_TYPES


class PreviewFormatConverter:
    """The file types first-page images are stored as: "webp" or "png"."""

    regex = "|".join(PREVIEW_TYPES)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
