-- texts of the page versions a run stored for a source
select d.doc_id, d.text
from page_versions as p
inner join documents as d using (doc_id)
where p.run_id = $run_id and p.source = $source;
