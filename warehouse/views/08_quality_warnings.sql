-- the checks that warned, newest run first
create or replace view quality_warnings as
select q.run_id, r.started_at, q.source, q.check_name, q.value, q.threshold, q.detail
from quality_checks as q
left join runs as r using (run_id)
where q.status = 'warning';
