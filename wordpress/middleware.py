"""Old WordPress addresses answered with a permanent redirect to their new ones."""

from django.http import HttpResponsePermanentRedirect

from wordpress.redirects import QUERY_KEYS, candidates, destination


class LegacyAddressMiddleware:
    """Like django.contrib.redirects, on a 404 only, so the site's own addresses always win;
    but `/?p=12` is looked up first, since the front page would answer it with itself.
    A request with none of WordPress's query keys costs no query until it is a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and any(key in request.GET for key in QUERY_KEYS):
            query = {key: request.GET[key] for key in QUERY_KEYS if key in request.GET}
            if target := destination(candidates(request.path, query)):
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if target := destination(candidates(request.path, {})):
            return HttpResponsePermanentRedirect(target)
        return response
