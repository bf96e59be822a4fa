"""The crawl's defaults, defined once: the sources file (``flows/sources.py``) and the crawl job
(``spiders/job.py``) both take them from here."""

from __future__ import annotations

DEFAULT_USER_AGENT = "trawl/0.1 (+https://github.com/trawl-pipeline/trawl; news research crawler)"

MAX_PAGES = 5000  # article pages fetched per run at most; the rest wait for the next run
MAX_ARCHIVE_DEPTH = 3
DOWNLOAD_DELAY = 1.0  # seconds between two requests to a host (polite crawls)
POLITE_CONCURRENCY = 1  # requests at once per host, polite
IMPOLITE_CONCURRENCY = 16  # requests at once per host with ``polite = false`` (own or test sites)
TIMEOUT = 30.0
RETRIES = 2
BACKOFF_BASE = 1.0  # seconds before the first retry, doubling each time
BACKOFF_MAX = 120.0
MAX_RETRY_AFTER = 600.0  # a longer Retry-After leaves the site for the next run
MAX_WAIT_PER_RUN = 900.0  # all retry pauses of a crawl together; then the rest waits for the next run
BLOCK_AFTER = 3  # this many 403s in a row: the source is reported blocked
