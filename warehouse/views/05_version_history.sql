-- every version of every page, with its text, dates and the diff from the version before
create or replace view version_history as
with ordered as (
    select
        source,
        url,
        version,
        doc_id,
        lag(doc_id) over (partition by source, url order by version) as previous_doc_id,
        valid_from,
        valid_to,
        run_id,
        fetched_url
    from page_versions
),
final as (
    select
        o.source,
        o.url,
        o.version,
        o.doc_id,
        o.previous_doc_id,
        o.valid_from,
        o.valid_to,
        o.valid_to is null as is_current,
        d.title,
        d.published_at,
        d.modified_at,
        d.word_count,
        d.text,
        x.added,
        x.removed,
        x.diff,
        o.run_id,
        o.fetched_url
    from ordered as o
    inner join documents as d on d.doc_id = o.doc_id
    left join version_diffs as x on x.source = o.source and x.url = o.url and x.version = o.version
)
select * from final;
