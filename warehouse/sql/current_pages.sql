-- the current document of each page of a source
select url, doc_id
from page_versions
where source = $source and valid_to is null
order by url;
