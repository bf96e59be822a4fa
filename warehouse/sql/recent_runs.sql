-- the newest $limit runs with their state and what their sources did together
select
    r.run_id,
    r.started_at,
    r.finished_at,
    r.status,
    round(date_diff('millisecond', r.started_at, r.finished_at) / 1000.0, 1) as seconds,
    count(rs.source) as sources,
    count(rs.source) filter (where rs.status <> 'ok') as sources_not_ok,
    coalesce(sum(rs.new_documents), 0) as new,
    coalesce(sum(rs.new_versions), 0) as updated,
    coalesce(sum(rs.failed), 0) as failed,
    coalesce(sum(rs.discarded), 0) as discarded
from runs as r
left join run_sources as rs using (run_id)
group by all
order by r.run_id desc
limit $limit
