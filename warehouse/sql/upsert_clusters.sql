insert into near_duplicate_clusters
select doc_id, cluster_id, updated_at
from batch
on conflict (doc_id) do update set
    cluster_id = excluded.cluster_id,
    updated_at = excluded.updated_at;
