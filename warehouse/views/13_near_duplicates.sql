-- confirmed near-duplicate pairs of current articles, with both titles and URLs
create or replace view near_duplicates as
with final as (
    select
        p.jaccard,
        a.title as title_a,
        b.title as title_b,
        a.sources as sources_a,
        b.sources as sources_b,
        a.urls as urls_a,
        b.urls as urls_b,
        p.doc_a,
        p.doc_b,
        p.found_at
    from near_duplicate_pairs as p
    inner join articles as a on p.doc_a = a.doc_id
    inner join articles as b on p.doc_b = b.doc_id
)
select * from final;
