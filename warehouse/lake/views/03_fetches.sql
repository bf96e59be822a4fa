-- every response of every crawl, once (a batch lands once; the key guards a publish retried after a crash)
create or replace view fetches as
select * exclude (batch_id, landed_at)
from landed.fetches
qualify row_number() over (partition by run_id, url order by rowid) = 1;
