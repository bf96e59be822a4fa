-- one row per content hash: the copy committed first wins (DuckLake numbers rows in commit order,
-- so a later commit never displaces the copy a reader already saw). Two shards that stored the
-- same text at once both land it; this view is what makes it one document.
create or replace view documents as
select * exclude (batch_id, landed_at)
from landed.documents
qualify row_number() over (partition by doc_id order by rowid) = 1;
