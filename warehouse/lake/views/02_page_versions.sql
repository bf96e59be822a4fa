-- one row per page version: the copy landed last wins (a version is closed, or re-cleaned, in the
-- shard that owns its source, which lands the changed row again)
create or replace view page_versions as
select * exclude (batch_id, landed_at)
from landed.page_versions
qualify row_number() over (partition by source, url, version order by rowid desc) = 1;
