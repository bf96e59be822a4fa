insert into runs (run_id, started_at, finished_at, status, flow_run_id, trawl_version)
values ($run_id, $started_at, null, 'running', $flow_run_id, $trawl_version)
on conflict do nothing;
