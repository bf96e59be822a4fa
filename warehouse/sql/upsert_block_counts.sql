-- add one load's block counts to a source's (pages never counted before only)
insert into block_counts
select source, block_key, pages, body_pages, line, seen_at as first_seen, seen_at as last_seen
from batch
on conflict (source, block_key) do update set
    pages = block_counts.pages + excluded.pages,
    body_pages = block_counts.body_pages + excluded.body_pages,
    line = coalesce(least(block_counts.line, excluded.line), block_counts.line, excluded.line),
    last_seen = excluded.last_seen;
