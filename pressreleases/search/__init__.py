"""Full-text search over press releases and quotes, on PostgreSQL and SQLite alike.

    search_releases(PressRelease.objects.public(), "smuggling -drugs")
    search_quotes(Quote.objects.public(), "Mektic")

Both return the queryset narrowed and ordered by relevance; each object carries
`search_rank` and an HTML-safe `search_snippet`. The indexes follow every save through signals;
after writing without signals, call `index_releases(ids)` or `rebuild_search_index()`. Code that
saves one release in many steps runs them in `batched_indexing()`, so it is indexed once.
"""

from .indexing import (
    batched_indexing,
    index_releases,
    rebuild_search_index,
    reconcile_search_index,
    reindex,
)
from .query import SearchQuery, parse_query
from .searching import (
    admin_search,
    ids_of,
    matching_releases,
    public_ranked_releases,
    ranks_public_at_once,
    search_quotes,
    search_releases,
    with_snippets,
)

__all__ = [
    "SearchQuery",
    "admin_search",
    "batched_indexing",
    "ids_of",
    "index_releases",
    "matching_releases",
    "parse_query",
    "public_ranked_releases",
    "ranks_public_at_once",
    "rebuild_search_index",
    "reconcile_search_index",
    "reindex",
    "search_quotes",
    "search_releases",
    "with_snippets",
]
