-- article fetches of one source's run, and those without a usable answer
-- (connection error, timeout, 5xx after retries; 304/404/410 are answers)
select count(*), count(*) filter (where status is null or status >= 500)
from fetches
where run_id = $run_id and source = $source and role = 'article'
