-- every known page URL with its crawl state (from `frontier`) and the version it shows now
create or replace view page_states as
with final as (
    select
        f.source,
        f.url,
        f.page_url,
        f.state,
        c.doc_id,
        c.version,
        f.first_seen_at,
        f.last_seen_at,
        f.last_fetched_at,
        f.last_changed_at,
        f.gone_at,
        f.next_due_at,
        f.last_status,
        f.failures,
        f.listed,
        f.lastmod
    from frontier as f
    left join document_urls as c on c.is_current and c.source = f.source and c.url = f.page_url
)
select * from final;
