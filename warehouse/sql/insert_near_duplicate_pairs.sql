insert into near_duplicate_pairs
select doc_a, doc_b, jaccard, found_at, run_id
from batch
on conflict do nothing;
