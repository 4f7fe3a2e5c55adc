"""When anything a public page shows last changed: one stamp, for Last-Modified and 304s.

A small app that depends on nothing, so every app may stamp it (news, documents, comments)
and the site may wire saves to it. Moments that pass without anyone saving (a post appearing
at its publication time) belong to the app that knows them: news combines them with the
stamp in news/freshness.py.
"""
