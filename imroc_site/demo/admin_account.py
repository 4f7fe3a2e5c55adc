"""The demo's superuser: made once, with the password from the settings or one kept in var/."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model


def ensure_demo_admin() -> tuple[bool, str]:
    """Make sure the demo superuser exists; return whether it was created, and how to log in.

    Its password is DEMO_ADMIN_PASSWORD when set; otherwise one is generated on creation and
    kept, readable by the owner only, in VAR_DIR/demo-admin-password.
    """
    username = settings.DEMO_ADMIN_USERNAME
    password = settings.DEMO_ADMIN_PASSWORD
    password_file = Path(settings.VAR_DIR) / "demo-admin-password"
    user, created = get_user_model().objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = user.is_active = True
    if password:
        user.set_password(password)
    elif password_file.exists():
        password = password_file.read_text(encoding="utf-8").strip()
        if created:
            user.set_password(password)
    elif created:
        password = secrets.token_urlsafe(12)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        # Created private rather than chmod-ed afterwards: never readable by others.
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as stream:
            stream.write(password + "\n")
        password_file.chmod(0o600)
        user.set_password(password)
    user.save()
    url = f"http://127.0.0.1:{settings.PORT}/admin/"
    reset = f"reset it with: manage.py changepassword {username}"
    if not password:
        login = f"Admin: {url}  user: {username}  password: unknown (not in env or file); {reset}"
    elif not user.check_password(password):
        login = f"Admin: {url}  user: {username}  password: {password_file} is out of date; {reset}"
    else:
        login = f"Admin: {url}  user: {username}  password: {password}"
    return created, login
