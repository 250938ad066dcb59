"""The built-in sample article (a news report written for this project) for demos, the app and tests."""

from __future__ import annotations

from pathlib import Path

from geo.parse.article import read_article
from geo.parse.model import Article

SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "sample_article.md"


def sample_article() -> Article:
    """The sample article, read like a user's Markdown file (title from its ``# heading``)."""
    return read_article(SAMPLE_PATH.read_bytes(), filename=SAMPLE_PATH.name, source="file")
