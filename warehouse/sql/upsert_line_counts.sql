insert into line_counts
select source, line_hash, line, doc_count, seen_at as first_seen, seen_at as last_seen
from batch
on conflict (source, line_hash) do update set
    doc_count = line_counts.doc_count + excluded.doc_count,
    last_seen = excluded.last_seen;
