-- documents whose terms are computed but not in the index yet, a bounded number at a time
create or replace temp table search_pending as
select s.doc_id, s.language, trim(s.title || ' ' || s.body) as terms
from search_documents as s
anti join search_docs as d using (doc_id)
order by s.doc_id
limit $limit;
