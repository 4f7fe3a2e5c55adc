"""Every admin page staff use passes axe-core (WCAG 2.2 AA and best practice) with zero
violations, at a desktop's 1280×800 and a phone's 390×844: the sign-in, the dashboard, the
lists, forms and pages of posts, replies and papers, and the discussion settings.

A superuser visits them all (so every section of the dashboard shows), signed in with a
two-factor code as the site requires of superusers. One walk per screen size, every page's
violations collected, so one run reports them all.
"""

import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from documents.models import Document
from news.models import Post

from .conftest import STAFF_PASSWORD, PageWatch

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture
def superuser(site_categories, django_user_model, fast_passwords, settings):
    """A superuser with two-factor sign-in on (required of superusers here), and the demo site."""
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    call_command("load_demo_content", stdout=io.StringIO())
    DiscussionSettings.current()
    user = django_user_model.objects.create_superuser(
        "sam.superuser", "sam@example.org", STAFF_PASSWORD
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def _admin_pages() -> dict[str, str]:
    post = Post.objects.order_by("pk").first()
    reply = Comment.objects.order_by("pk").first()
    paper = Document.objects.order_by("pk").first()
    assert post and reply and paper, "the demo content has a post, a reply and a paper"
    return {
        "dashboard": reverse("admin:index"),
        "post list": reverse("admin:news_post_changelist"),
        "add post": reverse("admin:news_post_add"),
        "change post": reverse("admin:news_post_change", args=[post.pk]),
        "reply list": reverse("admin:comments_comment_changelist"),
        "a reply's page": reverse("admin:comments_comment_change", args=[reply.pk]),
        "paper list": reverse("admin:documents_document_changelist"),
        "add paper": reverse("admin:documents_document_add"),
        "change paper": reverse("admin:documents_document_change", args=[paper.pk]),
        "discussion settings": reverse("admin:comments_discussionsettings_change", args=[1]),
    }


def _violations(axe, page, name: str) -> str:
    results = axe.run(page, options=AXE_OPTIONS)
    if not results.violations_count:
        return ""
    return f"--- {name} ({page.url}): {results.violations_count}\n{results.generate_report()}"


def _sign_in(page, user) -> None:
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Two-factor code").fill(f"{code:06d}")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration", level=1)).to_be_visible()


@pytest.mark.parametrize("screen", SCREENS)
def test_every_admin_page_staff_use_passes_axe(
    new_context, live_server, superuser, screen, output_path
):
    axe = Axe()
    page = new_context(viewport=SCREENS[screen]).new_page()
    page.set_default_timeout(10_000)
    watch = PageWatch(page, live_server.url)
    found = []

    page.goto(reverse("admin:login"))
    found.append(_violations(axe, page, "sign-in"))
    _sign_in(page, superuser)
    for name, path in _admin_pages().items():
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{name}: {path}"
        found.append(_violations(axe, page, name))
        if name == "dashboard":  # left for a person to look at, as test_every_page does
            page.screenshot(
                path=Path(output_path) / f"admin-dashboard-{screen}.png", full_page=True
            )

    report = "\n".join(filter(None, found))
    assert not report, f"axe found violations at {screen} size:\n{report}"
    watch.assert_clean(f"the admin at {screen} size")
