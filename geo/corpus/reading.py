"""Reading a corpus as a stream of small records: a JSONL file (one article a line) or a folder of files.

A record is a plain dict ``{"id", "text", "title", "url", "date", "filename"}`` (JSON-able, cheap to send to a
Dask worker); the text is geoparsed on the worker. ``date`` is an ISO date (``YYYY-MM-DD``) or None. A line
that cannot be read becomes ``{"id": "line N", "error": "..."}`` so the run reports it and goes on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geo.errors import InputError
from geo.parse.jsonlines import BadInput, LineTooLong, decode_json_object, iter_lines

FOLDER_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "data" / "sample_corpus.jsonl"
MAX_LINE_CHARS = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # an uploaded zip may hold this much, all members together

# A date written in a file: Markdown/YAML front matter ("date: 2024-10-08"), a "Published: ..." line, or an
# HTML meta tag (article:published_time, date, pubdate, ...).
_TEXT_DATE = re.compile(
    r"^\s*(?:date|published|updated)\s*:\s*[\"']?(\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]*)?)", re.I | re.M
)
_META_DATE = re.compile(
    r"<meta\b[^>]*?(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|date|pubdate|"
    r"datePublished|dc\.date)[\"'][^>]*?content\s*=\s*[\"']([^\"']+)[\"']", re.I
)
_TIME_TAG = re.compile(r"<time\b[^>]*\bdatetime\s*=\s*[\"']([^\"']+)[\"']", re.I)


def parse_date(value: Any) -> str | None:
    """An ISO 8601 date or datetime (``2024-10-08``, ``2024-10-08T09:30:00Z``) as ``YYYY-MM-DD``; None if
    missing. Raises ValueError for something that is not such a date."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"'published' must be an ISO 8601 date string, not {type(value).__name__}")
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError(f"'published' is not an ISO 8601 date: {value[:40]!r}") from None


def date_in_text(text: str) -> str | None:
    """A publication date written in the file itself (front matter, "Published:" line, HTML meta), or None."""
    head = text[:20000]
    for pattern in (_META_DATE, _TEXT_DATE, _TIME_TAG):
        match = pattern.search(head)
        if match:
            try:
                return parse_date(match.group(1).strip())
            except ValueError:
                continue
    return None


def record_from_json(obj: Any, line_no: int) -> dict[str, Any]:
    """Check one JSONL object and turn it into a record (or an error record naming the line)."""
    where = f"line {line_no}"
    if not isinstance(obj, dict):
        return {"id": where, "error": "not a JSON object"}
    raw_id = obj.get("id")
    ident = where if raw_id is None or raw_id == "" else str(raw_id)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return {"id": ident, "error": "no 'text' (a non-empty string is required)"}
    try:
        date = parse_date(obj.get("published", obj.get("date")))
    except ValueError as exc:
        return {"id": ident, "error": str(exc)}
    title, url = obj.get("title"), obj.get("url")
    return {
        "id": ident,
        "text": text,
        "title": title if isinstance(title, str) else "",
        "url": url if isinstance(url, str) and url else None,
        "date": date,
        "filename": None,
    }


def iter_jsonl(lines: Iterator[str | bytes | LineTooLong] | Any) -> Iterator[dict[str, Any]]:
    """Records from JSONL lines (blank lines skipped), streamed; each line read by the bounded reader."""
    for line_no, line in enumerate(lines, 1):
        if not isinstance(line, LineTooLong) and not line.strip():
            continue
        try:
            obj = decode_json_object(line, MAX_LINE_CHARS, what=f"line {line_no}")
        except BadInput as exc:
            why = str(exc).removeprefix(f"line {line_no} ").removeprefix("is ")
            yield {"id": f"line {line_no}", "error": why}
            continue
        yield record_from_json(obj, line_no)


def folder_files(folder: Path) -> list[Path]:
    """The article files under ``folder`` (recursively), in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES)


def record_from_file(path: Path, root: Path) -> dict[str, Any]:
    """A record for one file of a folder corpus: its relative path is the id, its date from the file or mtime."""
    from geo.parse.article import MAX_ARTICLE_BYTES, decode_bytes

    ident = safe_name(path.relative_to(root).as_posix())
    try:
        if path.stat().st_size > MAX_ARTICLE_BYTES:  # refused before a byte is read (a 2 GB file was read whole)
            return {"id": ident, "error": "file larger than 20 MB"}
        data = path.read_bytes()
        if len(data) > MAX_ARTICLE_BYTES:  # grew since
            return {"id": ident, "error": "file larger than 20 MB"}
        text = decode_bytes(data)
    except (OSError, InputError) as exc:
        return {"id": ident, "error": str(exc)}
    date = date_in_text(text) or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date().isoformat()
    return {"id": ident, "text": text, "title": "", "url": None, "date": date, "filename": path.name}


def safe_name(name: str) -> str:
    """A file name as text that can be written out: bytes that are not UTF-8 (kept by the OS as lone
    surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def iter_records(source: str | Path | None) -> Iterator[dict[str, Any]]:
    """Stream the records of a corpus: a JSONL file, a folder of .txt/.md/.html files, or (None) the sample."""
    path = SAMPLE_CORPUS if source is None else Path(source)
    if path.is_dir():
        for file in folder_files(path):
            yield record_from_file(file, path)
        return
    if not path.exists():
        raise InputError(f"{path}: no such file or folder (give a JSONL file or a folder of .txt/.md/.html)")
    with open(path, "rb") as handle:
        yield from iter_jsonl(iter_lines(handle, MAX_LINE_CHARS))


def count_records(source: str | Path | None) -> int | None:
    """How many records :func:`iter_records` will give (non-blank lines or files), for the progress bar."""
    path = SAMPLE_CORPUS if source is None else Path(source)
    try:
        if path.is_dir():
            return len(folder_files(path))
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return None


def iter_upload(name: str, data: bytes) -> Iterator[dict[str, Any]]:
    """Records from an uploaded file: JSONL, or a zip of JSONL files and/or .txt/.md/.html articles (each file's
    date from the file itself, else its time in the zip). Raises InputError for anything else."""
    import io
    import zipfile

    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            raise InputError(f"{name} is not a readable zip file") from None
        with archive:
            yield from _iter_zip(archive, name)
        return
    yield from iter_jsonl(iter_lines(io.BytesIO(data), MAX_LINE_CHARS))


def zip_problem(exc: BaseException) -> str:
    """What went wrong unpacking a zip member, in words (no paths, no exception names)."""
    text = str(exc).lower()
    if "encrypted" in text or "password" in text:
        return "it is encrypted"
    if "crc" in text:
        return "its checksum is wrong: the zip is damaged"
    if isinstance(exc, NotImplementedError) or "compression" in text:
        return "its compression method is not supported"
    return "the zip is damaged"


def _iter_zip(archive: Any, name: str) -> Iterator[dict[str, Any]]:
    import io
    import zipfile
    import zlib

    members = sorted((m for m in archive.infolist() if not m.is_dir()), key=lambda m: m.filename)
    members = [m for m in members if not Path(m.filename).name.startswith((".", "__MACOSX"))
               and "__MACOSX/" not in m.filename]
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise InputError(f"{name} unpacks to more than 200 MB; split the corpus or run it with `python -m geo corpus`")
    usable = [m for m in members if Path(m.filename).suffix.lower() in (*FOLDER_SUFFIXES, ".jsonl")]
    if not usable:
        raise InputError(f"{name} holds no .jsonl, .txt, .md or .html files")
    for member in usable:
        try:
            data = archive.read(member)
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            yield {"id": safe_name(member.filename), "error": f"cannot be unpacked ({zip_problem(exc)})"}
            continue
        if member.filename.lower().endswith(".jsonl"):
            for record in iter_jsonl(iter_lines(io.BytesIO(data), MAX_LINE_CHARS)):
                if record["id"].startswith("line "):
                    record["id"] = f"{member.filename} {record['id']}"
                yield record
            continue
        from geo.parse.article import decode_bytes

        try:
            text = decode_bytes(data)
        except InputError as exc:
            yield {"id": member.filename, "error": str(exc)}
            continue
        date = date_in_text(text) or dt.date(*member.date_time[:3]).isoformat()
        yield {"id": member.filename, "text": text, "title": "", "url": None, "date": date,
               "filename": Path(member.filename).name}
