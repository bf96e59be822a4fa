-- the steps of a source's load that an earlier attempt of the run finished
select step, counts::varchar as counts, results::varchar as results
from load_progress
where run_id = $run_id and source = $source
order by done_at, step;
