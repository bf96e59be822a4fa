-- the current version of each page of the batch, with the extraction and cleaning behind it
select p.url, p.version, p.doc_id, p.raw_hash, p.cleaning_version
from page_versions as p
inner join batch as b on p.source = b.source and p.url = b.url
where p.valid_to is null;
