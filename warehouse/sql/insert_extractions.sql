insert into extractions
select source, url, raw_hash, run_id, extracted_at, record::json
from batch
on conflict do nothing;
