"""Corpus mode: many dated articles (JSONL or a folder) geoparsed on Dask, aggregated per place, and written as one
map with a time slider, GeoJSON of the places and Parquet of the mentions."""

from geo import callable_package, lazy_exports

_EXPORTS = {
    "iter_records": "reading",
    "count_records": "reading",
    "SAMPLE_CORPUS": "reading",
    "map_chunk": "work",
    "Corpus": "aggregate",
    "run_corpus": "run",
    "dask_client": "run",
    "scheduler_address": "run",
    "SchedulerError": "run",
    "Progress": "run",
    "corpus_geojson": "outputs",
    "MentionsWriter": "outputs",
    "corpus_html": "corpusmap",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
callable_package(__name__, "geo.api:run_corpus_api")  # geo.corpus(...) is the Python API's call (geo/api.py)
