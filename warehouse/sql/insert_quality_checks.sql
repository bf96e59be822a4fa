insert or replace into quality_checks
select run_id, source, check_name, value, threshold, status, detail, checked_at
from batch;
