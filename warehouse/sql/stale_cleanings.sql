-- a source's current pages cleaned under another cleaning version, with the extraction to clean
-- again: the first $limit of them by URL after $after (the loader cleans them a bounded step at a
-- time). The extraction is chosen on its keys first; only the chosen ones' records are read.
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
        e.url as extraction_url,
        e.raw_hash,
        row_number() over (
            partition by s.url
            order by (e.raw_hash = s.raw_hash) desc, (e.url = s.fetched_url) desc, e.extracted_at desc, e.raw_hash
        ) as pick
    from stale as s
    inner join extractions as e
        on e.source = $source and (e.raw_hash = s.raw_hash or (s.raw_hash is null and e.url = s.fetched_url))
),
chosen as (
    select url, version, doc_id, extraction_url, raw_hash
    from newest
    where pick = 1
    order by url
    limit $limit
)
select c.url, c.version, c.doc_id, c.raw_hash, e.record::varchar as record
from chosen as c
inner join extractions as e on e.source = $source and e.url = c.extraction_url and e.raw_hash = c.raw_hash
order by c.url;
