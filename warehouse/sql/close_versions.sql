update page_versions as p
set valid_to = b.valid_from
from batch as b
where p.source = b.source and p.url = b.url and p.valid_to is null and p.version = b.version - 1;
