"""Cell values to Python values and back, each refusing what it cannot read with a ValueError whose
message the import report shows beside the column's name."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n", ""}


def to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError("expected text, got a list or object")
    return no_nul(str(value))


def no_nul(text: str) -> str:
    # PostgreSQL cannot store NUL in text, and no real title or URL holds one: refused as a row
    # error here rather than as a database error on write.
    if "\x00" in text:
        raise ValueError("contains a NUL character (\\x00)")
    return text


def to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = to_text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not true or false")


def to_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    text = to_text(value).strip() or "0"
    if not text.lstrip("-").isdigit():
        raise ValueError(f"{value!r} is not a whole number")
    return int(text)


def to_date(value) -> datetime.date | None:
    text = to_text(value).strip()
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)")
    return parsed


def to_datetime(value) -> datetime.datetime | None:
    text = to_text(value).strip()
    if not text:
        return None
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a date and time (use ISO 8601)")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def to_slugs(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [slug.strip() for slug in no_nul(value).split(";") if slug.strip()]
    if isinstance(value, list) and all(isinstance(slug, str) for slug in value):
        return [no_nul(slug) for slug in value]
    raise ValueError("expected a list of slugs")


def to_records(value, *, what: str, names: tuple[str, ...], required: str) -> list[dict]:
    """A list of small records (citations, corrections): a list in JSON, a JSON array in one CSV
    cell. Each record keeps ``names`` as text; ``required`` must not be blank."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"{what} are not a JSON list ({error.msg})") from None
    if not isinstance(value, list) or not all(isinstance(record, dict) for record in value):
        shape = ", ".join(f'"{name}": …' for name in names)
        raise ValueError(f"{what} must be a list of {{{shape}}}")
    cleaned = []
    for number, record in enumerate(value, start=1):
        try:
            entry = {name: to_text(record.get(name)) for name in names}
        except ValueError as error:
            raise ValueError(f"{what.rstrip('s')} {number}: {error}") from None
        if not entry[required].strip():
            raise ValueError(f"each {what.rstrip('s')} needs a {required}")
        cleaned.append(entry)
    return cleaned


def to_citations(value) -> list[dict]:
    return to_records(value, what="citations", names=("url", "locator", "quote"), required="url")


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def messages_of(error: ValidationError) -> list[str]:
    """A ValidationError's messages, each prefixed with its field's name."""
    if hasattr(error, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)
