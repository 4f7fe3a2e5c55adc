"""A post's history, in three modules that each do one job.

- `record`: what a revision keeps (django-reversion's Revision and Versions) and how it reads back;
- `diff`: what changed between two revisions, field by field, as escaped HTML;
- `restore`: putting an earlier revision back, and what cannot come back.

This file stays empty on purpose: `news.services` imports `record`, and `restore` imports
`news.services`, so nothing here may import either.
"""
