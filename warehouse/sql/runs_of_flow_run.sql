-- the warehouse runs a Prefect flow run started (a shard's run: one), oldest first
select run_id
from runs
where flow_run_id = $flow_run_id
order by started_at;
