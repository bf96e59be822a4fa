-- the newest validators (ETag, Last-Modified) of each article page of a source, for conditional requests
with answered as (
    select
        url,
        etag,
        last_modified,
        row_number() over (partition by url order by fetched_at desc) as newest
    from fetches
    where source = $source and role = 'article' and status = 200
),
final as (
    select url, etag, last_modified
    from answered
    where newest = 1 and (etag is not null or last_modified is not null)
)
select * from final order by url;
