-- the ranked hits (a VALUES list of parameters, written in by warehouse.search) with their documents'
-- fields and snippets; the documents are found by the constants of an IN list, which DuckDB
-- answers from the primary-key index (a join would scan every document's text);
-- `articles` shows a document's first source and URL, as read here
select
    round(h.score, 4) as score,
    d.first_source as source,
    d.published_at,
    d.title,
    d.first_url as url,
    search_snippet(d.text, h.stems, h.strip) as snippet,
    d.language,
    d.doc_id
from documents as d
inner join (values {hits}) as h (doc_id, score, stems, strip, rank) using (doc_id)
where d.doc_id in ({ids})
order by h.rank;
