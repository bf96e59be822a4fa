-- per source: the last run, what it fetched, how extraction went, how fresh the source is
create or replace view source_health as
with last_run as (
    select source, max(run_id) as run_id       -- run ids sort by their start time
    from run_sources
    group by source
),
last_success as (
    select source, max(run_id) as run_id, max(finished_at) as finished_at
    from run_sources
    where status = 'ok'
    group by source
),
article_fetches as (
    select
        f.source,
        count(*) filter (where f.status = 200) as fetched,
        count(*) filter (where f.status = 304) as not_modified,
        count(*) filter (where f.status in (401, 403, 407, 429, 451) or f.error like 'IgnoreRequest%') as blocked,
        count(*) filter (
            where (f.status is null or f.status >= 400)
            and not (coalesce(f.status in (401, 403, 407, 429, 451), false) or coalesce(f.error like 'IgnoreRequest%', false))
        ) as failed
    from fetches as f
    inner join last_run as l on f.source = l.source and f.run_id = l.run_id
    where f.role = 'article'
    group by f.source
),
empty_share as (
    select q.source, q.value as empty_or_discarded_share
    from quality_checks as q
    inner join last_run as l on q.source = l.source and q.run_id = l.run_id
    where q.check_name = 'empty_or_discarded_share'
),
warnings as (
    select q.source, list(q.check_name order by q.check_name) as warnings
    from quality_checks as q
    inner join last_run as l on q.source = l.source and q.run_id = l.run_id
    where q.status = 'warning'
    group by q.source
),
newest as (
    select source, max(valid_from) as last_new_article_at
    from page_versions
    where version = 1
    group by source
),
final as (
    select
        s.source,
        l.run_id as last_run_id,
        rs.status as last_status,
        rs.error as last_error,
        ok.run_id as last_success_run_id,
        ok.finished_at as last_success_at,
        coalesce(a.fetched, 0) as fetched,
        coalesce(a.not_modified, 0) as not_modified,
        coalesce(a.failed, 0) as failed,
        coalesce(a.blocked, 0) as blocked,
        rs.extracted,
        rs.discarded,
        round(rs.discarded / nullif(rs.extracted + rs.discarded, 0), 4) as discarded_share,
        e.empty_or_discarded_share,
        n.last_new_article_at,
        round(date_diff('second', n.last_new_article_at, now()) / 86400.0, 2) as days_since_new_article,
        coalesce(w.warnings, []) as warnings
    from sources as s
    left join last_run as l on s.source = l.source
    left join run_sources as rs on l.source = rs.source and l.run_id = rs.run_id
    left join last_success as ok on s.source = ok.source
    left join article_fetches as a on s.source = a.source
    left join empty_share as e on s.source = e.source
    left join warnings as w on s.source = w.source
    left join newest as n on s.source = n.source
)
select * from final;
