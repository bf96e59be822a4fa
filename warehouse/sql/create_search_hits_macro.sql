-- search_hits(q): the documents holding every word of q (in one of its stemmed forms, in the
-- document's language), scored by BM25 over title and text (the formula of fts's match_bm25,
-- k = 1.2, b = 0.75), with the query's stems in the document's language (for snippets).
-- It reads the index tables search_docs, search_dict and search_postings.
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
    from (select distinct language from search_docs) as i
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
wanted as (  -- the query's terms that some document holds
    select d.termid, d.term
    from (select distinct language || '_' || stem as term from query_terms) as q
    inner join search_dict as d using (term)
),
term_frequencies as (  -- every posting of those terms
    select p.docid, p.termid, p.tf
    from wanted as w
    inner join search_postings as p using (termid)
),
frequencies as (  -- in how many documents each term occurs
    select termid, count(*) as df
    from term_frequencies
    group by termid
),
complete as (  -- documents holding every query word, in one of its forms
    select f.docid
    from term_frequencies as f
    inner join wanted as w using (termid)
    inner join query_terms as q on w.term = q.language || '_' || q.stem
    inner join needed as n using (language)
    group by f.docid, n.words
    having count(distinct q.word) = n.words
),
stats as (
    select count(*) as num_docs, avg(len) as avgdl
    from search_docs
),
scores as (
    select
        f.docid,
        sum(
            log(((st.num_docs - df.df + 0.5) / (df.df + 0.5)) + 1)
            * (f.tf * 2.2) / (f.tf + 1.2 * (0.25 + 0.75 * doc.len / st.avgdl))
        ) as score
    from term_frequencies as f
    inner join complete as c using (docid)
    inner join frequencies as df using (termid)
    inner join search_docs as doc using (docid)
    cross join stats as st
    group by f.docid
),
final as (
    select
        doc.doc_id,
        s.score,
        list(distinct q.stem order by q.stem) as stems,
        any_value(q.strip) as strip
    from scores as s
    inner join search_docs as doc using (docid)
    inner join query_terms as q on doc.language = q.language
    group by doc.doc_id, s.score
)
select * from final;
