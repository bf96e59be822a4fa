select * from run_sources where run_id = $run_id order by source;
