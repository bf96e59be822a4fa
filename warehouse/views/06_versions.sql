-- every version of every page, with its content's metadata and how it grew
create or replace view versions as
with history as (
    select
        p.source,
        p.url,
        p.version,
        p.valid_from,
        p.valid_to,
        p.valid_to is null as is_current,
        p.doc_id,
        d.title,
        d.published_at,
        d.modified_at,
        d.word_count,
        d.word_count - lag(d.word_count) over (partition by p.source, p.url order by p.version) as words_added,
        p.run_id,
        p.fetched_url
    from page_versions as p
    inner join documents as d using (doc_id)
)
select * from history;
