-- a source's line counts that can be boilerplate (counted in at least $min_docs texts; a rarer
-- line never is), and how many distinct texts they were counted over
with documents as (
    select count(distinct raw_hash) as documents
    from extractions
    where source = $source
)
select l.line_hash, l.line, l.doc_count, l.first_seen, l.last_seen, d.documents
from line_counts as l, documents as d
where l.source = $source and l.doc_count >= $min_docs;
