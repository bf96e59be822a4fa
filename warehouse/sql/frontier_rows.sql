-- the frontier rows of the batch's URLs
select
    f.source, f.url, f.state, f.first_seen_at, f.page_url, f.last_seen_at, f.listed, f.lastmod, f.lastmod_via,
    f.published_at, f.last_fetched_at, f.last_changed_at, f.last_status, f.last_error, f.etag, f.last_modified,
    f.content_hash, f.failures, f.unchanged, f.next_due_at, f.gone_at
from frontier as f
inner join batch as b on f.source = b.source and f.url = b.url;
