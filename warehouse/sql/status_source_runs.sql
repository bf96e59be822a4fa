-- the last $runs runs of every source, newest first, with what each did
with ranked as (
    select
        rs.source,
        rs.run_id,
        coalesce(rs.started_at, r.started_at) as started_at,
        rs.status,
        rs.error,
        rs.new_documents as new,
        rs.new_versions as updated,
        rs.failed,
        rs.discarded,
        rs.fetched,
        rs.not_modified,
        round(rs.failed / nullif(rs.fetched + rs.not_modified + rs.failed, 0), 4) as failure_share,
        row_number() over (partition by rs.source order by rs.run_id desc) as age
    from run_sources as rs
    left join runs as r using (run_id)
)
select source, run_id, started_at, status, error, new, updated, failed, discarded, failure_share
from ranked
where age <= $runs
order by source, age
