-- the per-run, per-source report, once per (run, source): the copy landed last wins
create or replace view run_sources as
select * exclude (batch_id, landed_at)
from landed.run_sources
qualify row_number() over (partition by run_id, source order by rowid desc) = 1;
