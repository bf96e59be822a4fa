-- the document each current page of a source shows
select url, doc_id
from page_versions
where source = $source and valid_to is null
order by url;
