-- the newest run that started recently and never finished (its process was killed or crashed)
select run_id
from runs
where status = 'running' and started_at >= $since
order by started_at desc
limit 1;
