insert into minhash_bands
select doc_id, band, bucket
from batch;
