insert into date_issues
select run_id, source, url, issue
from batch
on conflict do nothing;
