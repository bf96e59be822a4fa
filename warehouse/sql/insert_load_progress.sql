insert into load_progress
select run_id, source, step, counts::json, results::json, done_at
from batch
on conflict do nothing;
