"""The app's corpus page: upload a JSONL file or a zip of articles (or use the sample corpus) and get the corpus
map, a sortable table of its places and the three downloads (HTML map, GeoJSON, Parquet).

The corpus runs in the app's own process (the gazetteer is already loaded there), or on the Dask cluster named
by GEO_DASK_SCHEDULER. Results are cached per uploaded file, so reruns (sorting, downloading) cost nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from app_components.view import plain
from geo.errors import GeoError

MAP_HEIGHT = 560  # the whole map above the fold on a 1366×768 laptop
TOP_MARGIN = "<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}</style>"
SORTS = {
    "Articles (most first)": (["articles", "mentions", "name"], [False, False, True]),
    "First date (earliest first)": (["first_date", "name"], [True, True]),
    "Last date (latest first)": (["last_date", "name"], [False, True]),
    "Name": (["name"], [True]),
}
TABLE_COLUMNS = ["name", "kind", "country_name", "articles", "mentions", "first_date", "last_date", "status"]


@st.cache_data(max_entries=4, show_spinner=False)
def build_corpus(name: str, data: bytes | None) -> dict[str, Any]:
    """Run the corpus (the sample when ``data`` is None) and render every output once per distinct upload."""
    from geo.corpus.corpusmap import corpus_html
    from geo.corpus.outputs import MentionsWriter, corpus_geojson
    from geo.corpus.reading import iter_records, iter_upload
    from geo.corpus.run import dask_client, run_corpus, scheduler_address

    records = iter_records(None) if data is None else iter_upload(name, data)
    scheduler = scheduler_address(None) or "inline"
    with tempfile.TemporaryDirectory() as folder:
        parquet = Path(folder) / "mentions.parquet"
        with MentionsWriter(parquet) as writer, dask_client(scheduler) as client:
            corpus = run_corpus(records, client, mentions=writer.add)
        parquet_bytes = parquet.read_bytes()
    if not corpus.article_total:
        raise GeoError(f"{name}: no article could be mapped ({corpus.failure_total} skipped)")
    title = "Sample corpus: North Korean troops in Russia's war" if data is None else Path(name).stem
    first, last = corpus.date_range()
    return {
        "title": title,
        "html": corpus_html(corpus, title=title),
        "geojson": json.dumps(corpus_geojson(corpus), ensure_ascii=False, indent=1, sort_keys=True),
        "parquet": parquet_bytes,
        "rows": corpus.place_rows(),
        "failures": corpus.sorted_failures(),
        "articles": corpus.article_total,
        "first": first,
        "last": last,
    }


def places_table(rows: list[dict[str, Any]], sort: str) -> Any:
    """The places as a DataFrame in the chosen order (the table's headers sort it further)."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS + ["id"])
    columns, ascending = SORTS[sort]
    frame = frame.sort_values(columns, ascending=ascending, na_position="last", kind="stable")
    return frame.rename(columns={"country_name": "country", "status": "border status"})


def main() -> None:
    st.set_page_config(page_title="Corpus map", page_icon="🗺️", layout="wide")
    st.html(TOP_MARGIN)  # a fixed rule, no article text
    st.title("Corpus map")
    # The map first, at the top of the page (filled once the corpus is mapped); the upload and the table below.
    map_slot = st.container()
    upload = st.file_uploader("Corpus (JSONL or zip)", type=["jsonl", "zip"], key="corpus_upload")
    st.caption("Many dated articles on one map: where a story was, when, and which articles say so. Upload a "
               "JSONL file (one article a line: id, text, and optionally title, url, published) or a zip of "
               "JSONL, .txt, .md or .html files. Without an upload the built-in sample corpus is shown.")
    name, data = ("sample_corpus.jsonl", None) if upload is None else (upload.name, upload.getvalue())
    digest = hashlib.sha256(data or b"").hexdigest()[:12]
    from app_components.session import parse_slot

    with map_slot:
        try:
            # under the same parse limit as the main page: a large upload queues instead of starving other readers
            with st.spinner("Geoparsing the articles…"), parse_slot(st.info):
                result = build_corpus(name, data)
        except GeoError as err:
            st.error(plain(err))
            return
        except Exception as err:  # noqa: BLE001 - a message, never a traceback with the server's paths
            st.error(plain(f"{name} could not be mapped ({type(err).__name__}); check that it is a JSONL file or "
                           "a zip of articles and upload it again"))
            return
        st.iframe(result["html"], height=MAP_HEIGHT)  # our own escaped export (geo.corpus.corpusmap)
        span = f", {result['first']} to {result['last']}" if result["first"] else ""
        st.markdown(f"**{plain(result['title'])}**: " + plain(f"{result['articles']} articles, "
                                                              f"{len(result['rows'])} places{span}."))
    if result["failures"]:
        with st.expander(f"{len(result['failures'])} articles could not be mapped"):
            st.text("\n".join(f"{f['id']}: {f['error']}" for f in result["failures"][:200]))

    sort = st.selectbox("Sort places by", list(SORTS), key="corpus_sort")
    st.dataframe(places_table(result["rows"], sort), hide_index=True,
                 column_config={"id": None})

    stem = Path(name).stem or "corpus"
    left, middle, right = st.columns(3)
    left.download_button("Download the map (HTML)", result["html"], file_name=f"{stem}-map.html",
                         mime="text/html", key=f"dl_html_{digest}", on_click="ignore")
    middle.download_button("Download the places (GeoJSON)", result["geojson"], file_name=f"{stem}-places.geojson",
                           mime="application/geo+json", key=f"dl_geojson_{digest}", on_click="ignore")
    right.download_button("Download the mentions (Parquet)", result["parquet"], file_name=f"{stem}-mentions.parquet",
                          mime="application/vnd.apache.parquet", key=f"dl_parquet_{digest}", on_click="ignore")
