-- documents whose terms are computed but not in the index yet, a bounded number at a time: the
-- doc_ids first, then the text of those only (taken in one pass with the anti join, every
-- chunk read every document's text: quadratic in the warehouse)
create or replace temp table search_pending as
with pending as (
    select s.doc_id
    from search_documents as s
    anti join search_docs as d using (doc_id)
    order by s.doc_id
    limit $limit
)
select s.doc_id, s.language, trim(s.title || ' ' || s.body) as terms
from search_documents as s
semi join pending as p using (doc_id)
order by s.doc_id;
