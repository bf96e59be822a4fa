-- the pending documents into the index: numbered, their new terms into the dictionary, their
-- postings (run in one transaction with search_pending)
create or replace temp table search_pending_terms as
with numbered as (
    select
        (select coalesce(max(docid), 0) from search_docs) + row_number() over (order by doc_id) as docid,
        doc_id,
        language,
        terms
    from search_pending
),
tokens as (
    select docid, unnest(string_split(terms, ' ')) as term
    from numbered
)
select n.docid, n.doc_id, n.language, nullif(t.term, '') as term  -- a document without terms stays
from numbered as n
left join tokens as t using (docid);

insert into search_docs
select docid, any_value(doc_id), any_value(language), count(term)
from search_pending_terms
group by docid;

insert into search_dict
with fresh as (
    select distinct p.term
    from search_pending_terms as p
    anti join search_dict as d using (term)
    where p.term is not null
)
select (select coalesce(max(termid), 0) from search_dict) + row_number() over (order by term), term
from fresh;

insert into search_postings
select d.termid, p.docid, count(*) as tf
from search_pending_terms as p
inner join search_dict as d using (term)
group by d.termid, p.docid
order by d.termid, p.docid;
