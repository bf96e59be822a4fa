"""Scrapy settings for one crawl job: polite defaults for real sites, fast ones for loopback demos."""

from __future__ import annotations

from typing import Any

from spiders.job import CrawlJob


def build_settings(job: CrawlJob) -> dict[str, Any]:
    """The settings dict handed to CrawlerProcess for this job."""
    per_domain = job.effective_concurrency
    settings: dict[str, Any] = {
        "BOT_NAME": "trawl",
        "USER_AGENT": job.user_agent,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # Scrapy 2.19's HTTP control server: no control surface wanted
        "LOG_LEVEL": "INFO",
        "STATS_DUMP": False,
        "LOGSTATS_INTERVAL": 60.0,
        "DOWNLOAD_TIMEOUT": job.timeout,
        "DNS_TIMEOUT": min(job.timeout, 60.0),
        "DOWNLOAD_DELAY": job.effective_delay,
        # one source, one domain: total = per-domain concurrency, so that no request waits in a
        # downloader slot past the backoff middleware (a paused host then really gets nothing)
        "CONCURRENT_REQUESTS": per_domain,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_domain,
        "AUTOTHROTTLE_ENABLED": job.polite,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "AUTOTHROTTLE_START_DELAY": max(job.effective_delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": job.retries,
        "TRAWL_BACKOFF_BASE": job.backoff_base,
        "TRAWL_BACKOFF_MAX": job.backoff_max,
        "TRAWL_MAX_RETRY_AFTER": job.max_retry_after,
        "TRAWL_MAX_WAIT_PER_RUN": job.max_wait_per_run,
        "TRAWL_BLOCK_AFTER": job.block_after,
        # 304/4xx/5xx reach the spider (after RetryMiddleware retried 429/5xx); redirects are still
        # followed: RedirectMiddleware only looks at the handle_httpstatus_* request meta keys.
        "HTTPERROR_ALLOW_ALL": True,
        # redirects and meta refreshes share this count: a loop of either ends after 10 hops
        "REDIRECT_MAX_TIMES": 10,
        "DEPTH_LIMIT": 0,
        # on the wire and, HttpCompressionMiddleware checks it too, once decompressed: a gzip bomb stops here
        "DOWNLOAD_MAXSIZE": 64 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 16 * 1024 * 1024,
        "DOWNLOADER_MIDDLEWARES": {
            # outermost: sees final responses/errors of every request, robots.txt included
            "spiders.warc.WarcRecorder": 10,
            # every request, retried and redirected ones included: scheme, host, port and address
            "spiders.scope.ScopeMiddleware": 20,
            # Scrapy's retries with a pause before each (Retry-After, capped backoff), and a stop on 403s
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "spiders.politeness.BackoffRetryMiddleware": 550,
            # between RedirectMiddleware (600) and HttpCompressionMiddleware (590)
            "spiders.warc.OriginalHeadersMiddleware": 595,
            # just outside HttpCompressionMiddleware too: a cut gzip body is refused, never decoded as a page
            "spiders.integrity.TruncatedBodyMiddleware": 596,
        },
        "TRAWL_HOME_URL": job.home_url,
        "TRAWL_DOMAINS": list(job.domains),
        "TRAWL_ALLOW_PRIVATE_ADDRESSES": job.allow_private_addresses,
        "TRAWL_OUT_DIR": str(job.out_dir),
        "TRAWL_SOURCE": job.source,
        "TRAWL_RUN_ID": job.run_id,
    }
    return settings
