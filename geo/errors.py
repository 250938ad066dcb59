"""One small exception hierarchy; every message tells the user what to do next."""


class GeoError(Exception):
    """Base class for errors the user can act on. ``str(err)`` is a one-line message."""


class InputError(GeoError):
    """The article (text, file, URL) cannot be read: empty, binary, too large, malformed."""


class DataError(GeoError):
    """A data package is missing or a derived file under cache/ is unusable."""


class FetchError(GeoError):
    """A URL could not be fetched, or the fetch policy refused it."""


class GeocoderError(GeoError):
    """An online geocoder failed (timeout, HTTP error, malformed answer)."""


class StoreError(GeoError):
    """A stored document or share link is unknown, tampered with, or damaged."""


EXIT_SKIPPED = 3  # a run finished, but some input lines or files were skipped (each named on stderr)
