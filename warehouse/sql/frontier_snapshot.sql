-- what the spider needs to know about a source's known article URLs before a crawl
with known as (
    select
        url,
        etag,
        last_modified,
        lastmod,
        state,
        listed,
        coalesce(next_due_at <= $due_by, false) as due
    from frontier
    where source = $source
)
select * from known order by url;
