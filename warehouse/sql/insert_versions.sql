insert into page_versions
select source, url, version, doc_id, valid_from, null, run_id, fetched_url
from batch
on conflict do nothing;
