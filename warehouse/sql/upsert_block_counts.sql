-- add one load's block counts to a source's (pages never counted before only): a block counted
-- before gets the step's pages added, the smaller of the two texts and its last_seen moved, a new
-- block its row. The table has no key (migration 0014): the MERGE matches on (source, block_key),
-- each once in the table, and the step's rows are summed per key first, so that each key is
-- matched once
merge into block_counts as c
using (
    select
        source,
        block_key,
        sum(pages)::integer as pages,
        sum(body_pages)::integer as body_pages,
        min(line) as line,
        max(seen_at) as seen_at
    from batch
    group by source, block_key
) as b
on c.source = b.source and c.block_key = b.block_key
when matched then update set
    pages = c.pages + b.pages,
    body_pages = c.body_pages + b.body_pages,
    line = coalesce(least(c.line, b.line), c.line, b.line),
    last_seen = b.seen_at
when not matched then insert (source, block_key, pages, body_pages, line, first_seen, last_seen)
    values (b.source, b.block_key, b.pages, b.body_pages, b.line, b.seen_at, b.seen_at);
