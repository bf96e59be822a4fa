-- every URL a document was seen at, with its version history: one row per page version
create or replace view document_urls as
select
    doc_id,
    source,
    url,
    fetched_url,
    version,
    valid_from,
    valid_to,
    valid_to is null as is_current,
    run_id
from page_versions;
