"""What paginated lists share (the links themselves: templates/partials/pagination.html)."""

from django.http import HttpRequest


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without its page number: the pagination links add theirs
    to it, so that the filters of the list stay as they are."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
