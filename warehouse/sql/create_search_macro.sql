-- search(q): current articles holding every word of q, best first, with a snippet around the
-- first match (marked **like this**). Created after each index build, over search_hits(q).
create or replace macro search(q) as table
with final as (
    select
        round(h.score, 4) as score,
        a.source,
        a.published_at,
        a.title,
        a.url,
        search_snippet(a.text, h.stems, h.strip) as snippet,
        a.language,
        a.sources,
        a.urls,
        a.doc_id
    from search_hits(q) as h
    inner join articles as a using (doc_id)
)
select * from final
order by score desc, published_at desc nulls last, doc_id;
