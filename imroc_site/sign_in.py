"""The lockout check that comes before any password is hashed (django-axes' backend).

First in AUTHENTICATION_BACKENDS: a sign-in by a locked-out username or address is refused
here, before ModelBackend computes a hash.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check for every sign-in that comes with a request (the admin's form).

    authenticate() without a request (the test client's login(), a script) is no visitor's
    sign-in: there is no address to throttle, and axes would raise instead of answering.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
