"""Geospatial map visualiser for news: find the places an article mentions and map them."""

__version__ = "0.1.0"
