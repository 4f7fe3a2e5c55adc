"""How the database ranks rows for a search: each term scores the best field holding it.

A title match outranks a summary match, which outranks a mention in the body; a title holding
the whole phrase earns a bonus. Used by Post.objects.search() and for papers alike.
"""

from functools import reduce
from operator import or_

from django.db.models import Case, Expression, Q, Value, When

TITLE_WEIGHT = 10
SUMMARY_WEIGHT = 4  # a post's excerpt, a paper's description: both summarise the whole
BODY_WEIGHT = 1  # a post's body, the text inside a paper
PHRASE_IN_TITLE_BONUS = 20

# (weight, field), best field first.
POST_FIELDS = [(TITLE_WEIGHT, "title"), (SUMMARY_WEIGHT, "excerpt"), (BODY_WEIGHT, "body_text")]
PAPER_FIELDS = [(TITLE_WEIGHT, "title"), (SUMMARY_WEIGHT, "description"), (BODY_WEIGHT, "text")]


def ranked(queryset, terms: list[str], fields: list[tuple[int, str]]):
    """Rows holding every term in at least one of `fields`, annotated with a `score`.

    `fields` pairs a weight with a field name, best field first; each term scores the weight
    of the best field holding it.
    """
    every_term = Q()
    score: Expression = Value(0)
    for term in terms:
        conditions = [(weight, _contains(field, term)) for weight, field in fields]
        every_term &= reduce(or_, (condition for _, condition in conditions))
        # The filter guarantees the term is in some field, so the last one needs no test:
        # long bodies are then scanned once per term (in the filter), never again to score.
        *tested, (last_weight, _) = conditions
        whens = [When(condition, then=Value(weight)) for weight, condition in tested]
        score += Case(*whens, default=Value(last_weight))
    if len(terms) > 1:
        phrase_in_title = _contains("title", " ".join(terms))
        score += Case(When(phrase_in_title, then=Value(PHRASE_IN_TITLE_BONUS)), default=Value(0))
    return queryset.filter(every_term).annotate(score=score)


def _contains(field: str, term: str) -> Q:
    return Q(**{f"{field}__icontains": term})
