insert into discards
select run_id, source, url, reason, detail
from batch
on conflict do nothing;
