-- search_hits(q): the documents holding every word of q (in one of its stemmed forms, in the
-- document's language), scored by BM25 over title and text (the formula of fts's match_bm25,
-- k = 1.2, b = 0.75), with the query's stems in the document's language (for snippets).
-- Created after each index build: it reads the index tables fts_main_search_documents.*.
create or replace macro search_hits(q) as table
with words as (
    select distinct unnest(regexp_extract_all(lower(q), '[\pL\pN]+')) as word
),
languages as (
    select
        i.language,
        coalesce(l.stemmer, 'none') as stemmer,
        coalesce(l.strip_accents, true) as strip,
        coalesce(l.passes, 1) as passes
    from (select distinct language from search_documents) as i
    left join search_languages as l using (language)
),
query_terms as (  -- each query word in every indexed language's form(s)
    select distinct
        g.language,
        g.strip,
        w.word,
        unnest(search_stems(w.word, g.stemmer, g.strip, g.passes)) as stem
    from words as w
    cross join languages as g
),
needed as (
    select language, count(distinct word) as words
    from query_terms
    group by language
),
term_frequencies as (  -- occurrences of the query terms in each document
    select t.docid, t.termid, count(*) as tf
    from (select distinct language || '_' || stem as term from query_terms) as q
    inner join fts_main_search_documents.dict as d on q.term = d.term
    inner join fts_main_search_documents.terms as t on d.termid = t.termid
    group by all
),
complete as (  -- documents holding every query word, in one of its forms
    select f.docid
    from term_frequencies as f
    inner join fts_main_search_documents.dict as d using (termid)
    inner join query_terms as q on d.term = q.language || '_' || q.stem
    inner join needed as n using (language)
    group by f.docid, n.words
    having count(distinct q.word) = n.words
),
scores as (
    select
        f.docid,
        sum(
            log(((st.num_docs - d.df + 0.5) / (d.df + 0.5)) + 1)
            * (f.tf * 2.2) / (f.tf + 1.2 * (0.25 + 0.75 * doc.len / st.avgdl))
        ) as score
    from term_frequencies as f
    inner join complete as c using (docid)
    inner join fts_main_search_documents.dict as d using (termid)
    inner join fts_main_search_documents.docs as doc using (docid)
    cross join fts_main_search_documents.stats as st
    group by f.docid
),
final as (
    select
        doc.name as doc_id,
        s.score,
        list(distinct q.stem order by q.stem) as stems,
        any_value(q.strip) as strip
    from scores as s
    inner join fts_main_search_documents.docs as doc using (docid)
    inner join search_documents as sd on doc.name = sd.doc_id
    inner join query_terms as q on sd.language = q.language
    group by doc.name, s.score
)
select * from final;
