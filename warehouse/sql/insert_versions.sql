insert into page_versions by name
select source, url, version, doc_id, valid_from, null as valid_to, run_id, fetched_url, raw_hash, cleaning_version
from batch
on conflict do nothing;
