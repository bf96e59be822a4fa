insert into minhash_signatures
select doc_id, shingles, signature, computed_at
from batch;
