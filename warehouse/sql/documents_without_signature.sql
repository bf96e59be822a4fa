-- documents the near-duplicate index has not seen yet, oldest first
select d.doc_id
from documents as d
anti join minhash_signatures as s using (doc_id)
order by d.first_seen_at, d.doc_id;
