-- every member of the clusters the batch's documents belong to
select c.doc_id, c.cluster_id
from near_duplicate_clusters as c
where c.cluster_id in (
    select n.cluster_id
    from near_duplicate_clusters as n
    inner join batch as b using (doc_id)
);
