-- current articles per day (of publication, else of first sight), source and language: pages left out
create or replace view daily_counts as
with current_pages as (
    select distinct source, doc_id from document_urls where is_current
),
final as (
    select
        cast(coalesce(d.published_at, d.first_seen_at) as date) as day,
        p.source,
        coalesce(d.language, 'und') as language,
        count(*) as articles,
        cast(sum(d.word_count) as bigint) as words
    from current_pages as p
    inner join documents as d using (doc_id)
    where coalesce(d.kind, 'article') = 'article'
    group by all
)
select * from final;
