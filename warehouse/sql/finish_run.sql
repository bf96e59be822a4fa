update runs
set finished_at = $finished_at, status = $status
where run_id = $run_id;
