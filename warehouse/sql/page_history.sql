-- every version of the page(s) at a URL (canonical or as fetched), oldest first
with matching as (
    select distinct source, url
    from page_versions
    where url in ($url, $canonical) or fetched_url in ($url, $canonical)
),
final as (
    select
        v.source,
        v.url,
        v.version,
        v.valid_from,
        v.valid_to,
        v.title,
        v.published_at,
        v.modified_at,
        v.word_count,
        v.doc_id,
        v.added,
        v.removed,
        v.diff,
        p.state
    from version_history as v
    inner join matching as m on m.source = v.source and m.url = v.url
    left join page_states as p on p.source = v.source and p.page_url = v.url
)
select * from final order by source, url, version;
