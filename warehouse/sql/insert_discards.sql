insert into discards by name
select run_id, source, url, reason, detail, text
from batch
on conflict do nothing;
