-- everything a run dropped, once per (run, source, stage, url, reason, detail)
create or replace view drops as
select * exclude (batch_id, landed_at)
from landed.drops
qualify row_number() over (partition by run_id, source, stage, url, reason, detail order by rowid) = 1;
