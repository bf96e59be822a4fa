-- every response of a crawl, from the registered arrow table `batch`
insert into fetches
select
    run_id, source, url, final_url, role, status, content_type, bytes, elapsed_ms,
    fetched_at, etag, last_modified, error, warc_file, warc_offset, lastmod
from batch
on conflict do nothing;
