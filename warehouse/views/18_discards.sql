-- pages extraction discarded, one row per page and run (the `extract` stage of `drops`)
create or replace view discards as
select run_id, source, url, reason, nullif(detail, '') as detail, text
from drops
where stage = 'extract';
