"""The sources file: one validated TOML table per source (pydantic), read in one place.

Minimal entry::

    [sources.kprf_msk]
    url = "https://msk.kprf.ru/"

String values may name environment variables as ``${NAME}`` (the bundled demo sites use
it for their loopback ports), read through flows/settings.py or passed to ``load_sources``. Errors name the file, the source and the field, and every
problem of a file is reported at once (``SourcesError.problems``), not only the first.

Values are taken as written: ``max_pages = true`` or ``polite = "off"`` are type errors,
not 1 and False (pydantic's strict mode on numbers and booleans); numbers are finite and
bounded; a header value (the user agent) or a URL with a control character (CR, LF, ...)
is refused rather than cleaned, since it would otherwise inject a line into the requests
and the WARC records.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails

from flows import settings
from flows.extract_settings import TABLE as EXTRACT
from flows.extract_settings import settings_problems
from spiders import defaults
from spiders.defaults import DEFAULT_USER_AGENT
from transforms.dates import FLOOR
from transforms.frontier import Revisit as RevisitPolicy
from transforms.quality import Thresholds

KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


# a host name as allowed_domains takes it: dot-separated labels, no scheme, port, path or blank
HOST = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)(\.(?!-)[\w-]{1,63}(?<!-))*\.?$")


class SourcesError(ValueError):
    """A sources file that cannot be used; each of ``problems`` names file, source and field."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def _no_control_characters(value: Any) -> Any:
    """Refuse CR, LF, NUL and every other control character (they would split a header line)."""
    if isinstance(value, str):
        for char in value:
            if unicodedata.category(char) == "Cc":
                raise ValueError(f"control character U+{ord(char):04X} is not allowed")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _host_name(value: str) -> str:
    if not HOST.fullmatch(value):
        raise ValueError("not a host name (like example.org: no scheme, port, path or blank)")
    return value


# numbers and booleans as written (StrictInt, StrictFloat, StrictBool): pydantic's lax mode would read
# true as 1, "off" as False and "30" as 30; a strict float still takes an integer; inf and nan are refused
Line = Annotated[str, BeforeValidator(_no_control_characters)]
HeaderValue = Annotated[str, BeforeValidator(_no_control_characters), AfterValidator(_not_blank)]
Url = Annotated[HttpUrl, BeforeValidator(_no_control_characters)]  # the URL parser would silently drop CR/LF
Host = Annotated[str, BeforeValidator(_no_control_characters), AfterValidator(_host_name)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Discovery(Strict):
    """Where to find a source's articles; everything is found automatically when empty."""

    sitemaps: list[Url] = Field(default_factory=list)
    feeds: list[Url] = Field(default_factory=list)
    archive_pages: StrictBool = True
    max_pages: StrictInt = Field(default=defaults.MAX_PAGES, ge=1)
    max_archive_depth: StrictInt = Field(default=defaults.MAX_ARCHIVE_DEPTH, ge=0)
    rest_api: StrictBool = True  # use the WordPress REST API when the site has one


class Crawl(Strict):
    """Politeness: real sites get one request at a time with a delay and AutoThrottle."""

    polite: StrictBool = True
    download_delay: StrictFloat = Field(default=defaults.DOWNLOAD_DELAY, gt=0, le=3600)  # polite = false for none
    concurrency_per_domain: StrictInt = Field(default=defaults.POLITE_CONCURRENCY, ge=1, le=64)
    timeout: StrictFloat = Field(default=defaults.TIMEOUT, gt=0, le=3600)
    user_agent: HeaderValue = DEFAULT_USER_AGENT
    retries: StrictInt = Field(default=defaults.RETRIES, ge=0, le=10)
    backoff_base: StrictFloat = Field(default=defaults.BACKOFF_BASE, ge=0)
    backoff_max: StrictFloat = Field(default=defaults.BACKOFF_MAX, ge=0)
    max_retry_after: StrictFloat = Field(default=defaults.MAX_RETRY_AFTER, ge=0)
    block_after: StrictInt = Field(default=defaults.BLOCK_AFTER, ge=1)
    max_wait_per_run: StrictFloat = Field(default=defaults.MAX_WAIT_PER_RUN, ge=0, le=86400)
    allow_private_addresses: StrictBool = False  # a site on loopback/private addresses (demo, tests, intranet)


class Revisit(Strict):
    """How long and how often recent articles are fetched again (edits come soon after publication)."""

    window_days: StrictFloat = Field(default=14, ge=0, le=3650)
    first_hours: StrictFloat = Field(default=20, gt=0, le=87600)
    factor: StrictFloat = Field(default=2.0, ge=1, le=100)
    longest_days: StrictFloat = Field(default=7, gt=0, le=3650)

    def policy(self) -> RevisitPolicy:
        return RevisitPolicy(
            window=timedelta(days=self.window_days),
            first=timedelta(hours=self.first_hours),
            factor=self.factor,
            longest=timedelta(days=self.longest_days),
        )


class Cleaning(Strict):
    """Site-level boilerplate thresholds: a line recurring in this many / this share of documents."""

    min_docs: StrictInt = Field(default=4, ge=2)
    min_share: StrictFloat = Field(default=0.05, gt=0, le=1)


_DEFAULT = Thresholds()


class Quality(Strict):
    """When the run's quality checks warn about this source (see transforms/quality.py)."""

    max_empty_share: StrictFloat = Field(default=_DEFAULT.max_empty_share, ge=0, le=1)
    min_words: StrictInt = Field(default=_DEFAULT.min_words, ge=0)
    max_missing_metadata_share: StrictFloat = Field(default=_DEFAULT.max_missing_metadata_share, ge=0, le=1)
    max_future_dates: StrictInt = Field(default=_DEFAULT.max_future_dates, ge=0)
    max_duplicate_share: StrictFloat = Field(default=_DEFAULT.max_duplicate_share, ge=0, le=1)
    duplicate_spike_factor: StrictFloat = Field(default=_DEFAULT.duplicate_spike_factor, ge=1)
    max_days_without_new: StrictFloat = Field(default=_DEFAULT.max_days_without_new, gt=0)
    max_boilerplate_only: StrictInt = Field(default=_DEFAULT.max_boilerplate_only, ge=0)
    min_pages: StrictInt = Field(default=_DEFAULT.min_pages, ge=1)

    def thresholds(self) -> Thresholds:
        return Thresholds(**self.model_dump())


class Source(Strict):
    """One news site or magazine to follow."""

    key: str
    url: Url
    name: Line = ""
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    allowed_domains: list[Host] = Field(default_factory=list)
    discovery: Discovery = Field(default_factory=Discovery)
    crawl: Crawl = Field(default_factory=Crawl)
    cleaning: Cleaning = Field(default_factory=Cleaning)
    revisit: Revisit = Field(default_factory=Revisit)
    quality: Quality = Field(default_factory=Quality)
    date_floor: date = FLOOR.date()  # earlier dates on its pages are implausible (an archive may go lower)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError("a source key is lower-case letters, digits and _, starting with a letter")
        return value

    @property
    def home(self) -> str:
        return str(self.url)

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains or [urlsplit(self.home).hostname or ""]

    @property
    def display_name(self) -> str:
        return self.name or self.key


def _expand(value: Any, field: tuple[str, ...], variables: Mapping[str, str], unset: list[tuple[str, str]]) -> Any:
    """``${NAME}`` replaced by the variable's value; each unset one is noted as (field, NAME)."""
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in variables:
                unset.append((".".join(field), name))
                return match.group(0)
            return variables[name]

        return _ENV.sub(replace, value)
    if isinstance(value, list):
        return [_expand(v, field, variables, unset) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, (*field, k), variables, unset) for k, v in value.items()}
    return value


def _duplicate_keys(text: str) -> list[str]:
    """Every ``[sources.<key>]`` header that repeats an earlier one, with both lines (tomllib names only the first)."""
    first: dict[str, int] = {}
    problems = []
    for match in re.finditer(r"^[ \t]*\[\s*sources\.([^\].\s]+)\s*\]", text, re.MULTILINE):
        key = match.group(1).strip("\"'")
        line = text.count("\n", 0, match.start()) + 1
        if key in first:
            problems.append(f"source '{key}' is defined twice (lines {first[key]} and {line})")
        first.setdefault(key, line)
    return problems


def _read_text(path: Path) -> str:
    """The file as text: UTF-8, a leading byte-order mark dropped; a binary or empty file is an error."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourcesError(f"{path}: cannot read the sources file: {error.strerror or error}") from error
    if b"\0" in data:
        raise SourcesError(f"{path}: a binary file, not a TOML sources file")
    try:
        text = data.decode("utf-8-sig")  # editors on Windows save UTF-8 with a BOM; TOML itself has none
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourcesError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}): TOML files are UTF-8"
        ) from error
    if not text.strip():
        raise SourcesError(f"{path}: the file is empty; add a [sources.<key>] table with a url")
    return text


def _show(value: Any) -> str:
    """A value as it reads in TOML, shortened."""
    if isinstance(value, bool):
        shown = str(value).lower()
    elif isinstance(value, float) and not math.isfinite(value):
        shown = str(value)
    elif isinstance(value, str):
        shown = '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    else:
        shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the (sub)table at ``loc`` of a source, for "did you mean"."""
    model: type[BaseModel] = Source
    for part in loc:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [name for name in model.model_fields if name != "key"]  # a source's key is its table name


def _describe(error: ErrorDetails) -> str:
    """One pydantic error as a short sentence; the value given is shown for wrong values."""
    loc = error["loc"]
    if error["type"] == "missing":
        return "required, missing"
    if error["type"] == "extra_forbidden":
        known = _fields_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
        return f"unknown field ({hint})"
    message = error["msg"].removeprefix("Value error, ")
    if isinstance(error.get("input"), str | int | float | bool):
        message += f" (got {_show(error['input'])})"
    return message


def _validate(path: Path, key: str, table: Any, variables: Mapping[str, str]) -> tuple[Source | None, list[str]]:
    """One source table as a Source, or every problem it has."""
    where = f"{path}: source '{key}'"
    if not isinstance(table, dict):
        return None, [f"{where}: expected a table [sources.{key}], got a {type(table).__name__} ({_show(table)})"]
    unset: list[tuple[str, str]] = []
    entry = _expand(table, (), variables, unset)
    problems = [f"{where}, field '{field}': environment variable ${{{name}}} is not set" for field, name in unset]
    if "key" in entry:  # the key is the table's name; a field would silently disagree with it
        problems.append(f"{where}, field 'key': not a field: the key is the table name [sources.{key}]")
        entry = {k: v for k, v in entry.items() if k != "key"}
    try:
        source = Source(key=key, **entry)
    except ValidationError as error:
        for detail in error.errors():
            field = ".".join(str(part) for part in detail["loc"]) or "(entry)"
            if not any(field == name or field.startswith(f"{name}.") for name, _ in unset):  # said above
                problems.append(f"{where}, field '{field}': {_describe(detail)}")
        return None, problems
    return (None if problems else source), problems


def load_sources(path: Path | str, variables: Mapping[str, str] | None = None) -> list[Source]:
    """Read and validate a sources file; raise SourcesError listing every problem (file, source, field).

    ``${NAME}`` values are taken from ``variables``, by default the environment as flows/settings.py reads it.
    """
    path = Path(path)
    variables = settings.variables() if variables is None else variables
    text = _read_text(path)
    duplicates = _duplicate_keys(text)
    if duplicates:
        raise SourcesError([f"{path}: {problem}" for problem in duplicates])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # its message ends with "(at line L, column C)"
        raise SourcesError(f"{path}: not valid TOML: {error}") from error
    problems = [  # [warehouse] is read by flows/lake_settings.py, [extract] by flows/extract_settings.py
        f"{path}: unknown top-level entry '{name}'; expected only [sources.<key>] tables, [warehouse] and [{EXTRACT}]"
        for name in data
        if name not in ("sources", "warehouse", EXTRACT)
    ]
    if "warehouse" in data:  # checked here too, so that `trawl sources` and `trawl run` report it with the rest
        from flows.lake_settings import WarehouseSettingsError, parse_lake

        try:
            parse_lake(path, data["warehouse"], settings.resolve_paths().data_dir)
        except WarehouseSettingsError as error:
            problems += error.problems
    problems += settings_problems(str(path), data.get(EXTRACT))[1]  # how pages are extracted
    tables = data.get("sources", {})
    if not isinstance(tables, dict) or not tables:
        raise SourcesError([*problems, f"{path}: no [sources.<key>] table"])
    sources = []
    for key, table in tables.items():
        source, found = _validate(path, key, table, variables)
        problems += found
        if source is not None:
            sources.append(source)
    if problems:
        raise SourcesError(problems)
    return sources


def select(sources: list[Source], keys: list[str] | None, path: Path | str) -> list[Source]:
    """The sources named by key (all when none are named); unknown keys are an error."""
    if not keys:
        return sources
    known = {s.key: s for s in sources}
    missing = [k for k in keys if k not in known]
    if missing:
        raise SourcesError(f"{path}: no source named {', '.join(missing)} (known: {', '.join(known)})")
    return [known[k] for k in keys]
