select doc_id, signature
from minhash_signatures
where shingles > 0
order by doc_id;
