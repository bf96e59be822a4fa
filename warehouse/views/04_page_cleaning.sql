-- each current page with the cleaning that produced its document
create or replace view page_cleaning as
select source, url, version, doc_id, raw_hash, cleaning_version, valid_from, run_id
from page_versions
where valid_to is null;
