insert into document_changes
select run_id, source, url, old_doc_id, new_doc_id, changed_fields
from batch
on conflict do nothing;
