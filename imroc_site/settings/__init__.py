"""The running settings (`DJANGO_SETTINGS_MODULE=imroc_site.settings`): base.py as it is.

Production differs from development through the environment only (see .env.example), never
through a module of its own. The test suite runs with imroc_site.settings.test.
"""

from imroc_site.settings.base import *  # noqa: F403
