insert into drops by name
select run_id, source, stage, reason, url, detail, text
from batch
on conflict do nothing;
