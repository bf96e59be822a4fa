-- documents sharing a band bucket with one of the batch's documents (each pair once)
with matches as (
    select distinct
        least(b.doc_id, m.doc_id) as doc_a,
        greatest(b.doc_id, m.doc_id) as doc_b
    from batch as b
    inner join minhash_bands as m on b.band = m.band and b.bucket = m.bucket
    where b.doc_id <> m.doc_id
)
select doc_a, doc_b
from matches
anti join near_duplicate_pairs as p using (doc_a, doc_b)
order by doc_a, doc_b;
