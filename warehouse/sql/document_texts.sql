select d.doc_id, d.text
from documents as d
inner join batch as b using (doc_id);
