-- a source's current pages cleaned under another cleaning version, with the extraction to clean
-- again: the first $limit of them by URL after $after (the loader cleans them a bounded step at a time)
with stale as (
    select url, version, doc_id, raw_hash, fetched_url
    from page_versions
    where
        source = $source and valid_to is null and coalesce(cleaning_version, '') <> $cleaning_version
        and url > $after
),
newest as (
    select
        s.url,
        s.version,
        s.doc_id,
        e.raw_hash,
        e.record,
        row_number() over (
            partition by s.url
            order by (e.raw_hash = s.raw_hash) desc, (e.url = s.fetched_url) desc, e.extracted_at desc, e.raw_hash
        ) as pick
    from stale as s
    inner join extractions as e
        on e.source = $source and (e.raw_hash = s.raw_hash or (s.raw_hash is null and e.url = s.fetched_url))
),
final as (
    select url, version, doc_id, raw_hash, record::varchar as record
    from newest
    where pick = 1
)
select * from final order by url limit $limit;
