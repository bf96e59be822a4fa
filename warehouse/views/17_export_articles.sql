-- the rows `trawl export` writes: current articles with their month, optionally since a
-- date and of one source (any of the sources showing the text)
create or replace macro export_articles(since, only_source) as table
with final as (
    select
        a.*,
        strftime(coalesce(a.published_at, a.first_seen_at), '%Y-%m') as month
    from articles as a
    where
        (since is null or coalesce(a.published_at, a.first_seen_at) >= since)
        and (only_source is null or list_contains(a.sources, only_source))
)
select * from final;
