-- point re-cleaned page versions at their rebuilt document and record the cleaning
update page_versions as p
set doc_id = b.doc_id, raw_hash = b.raw_hash, cleaning_version = b.cleaning_version
from batch as b
where p.source = b.source and p.url = b.url and p.version = b.version;
