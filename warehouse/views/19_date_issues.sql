-- date candidates the sanity rules rejected, one row per candidate (the `dates` stage of `drops`)
create or replace view date_issues as
select run_id, source, url, detail as issue
from drops
where stage = 'dates';
