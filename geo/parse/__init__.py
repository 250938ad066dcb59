"""Parse: read an article (text, file, URL) into passages, find its place mentions, resolve each to one place,
and the Document model that carries the result to every face."""

from geo import callable_package, lazy_exports

_EXPORTS = {
    "Article": "model",
    "Document": "model",
    "Mention": "model",
    "Passage": "model",
    "Place": "model",
    "content_id": "model",
    "read_article": "article",
    "load_article": "article",
    "split_passages": "passages",
    "fetch_article": "fetch",
    "find_mentions": "toponyms",
    "geoparse": "resolve",
    "resolve": "resolve",
    "spans_by_passage": "spans",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
callable_package(__name__, "geo.api:parse_document")  # geo.parse(...) is the Python API's call (geo/api.py)
