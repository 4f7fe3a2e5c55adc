from django.conf import settings


def site(request):
    """The organisation's name and tagline, for the header and page titles."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": settings.SITE_TAGLINE}
