-- add one count step's line counts to its source's (texts never counted before only): a line
-- counted before gets the step's texts added and its last_seen moved, a new line its row. The
-- table has no key (migration 0014): the MERGE matches on (source, line_hash), each once in the
-- table, and the step's rows are summed per key first, so that each key is matched once
merge into line_counts as l
using (
    select source, line_hash, min(line) as line, sum(doc_count)::integer as doc_count, max(seen_at) as seen_at
    from batch
    group by source, line_hash
) as b
on l.source = b.source and l.line_hash = b.line_hash
when matched then update set
    doc_count = l.doc_count + b.doc_count,
    last_seen = b.seen_at
when not matched then insert (source, line_hash, line, doc_count, first_seen, last_seen)
    values (b.source, b.line_hash, b.line, b.doc_count, b.seen_at, b.seen_at);
