-- documents of the batch whose text is stored unchanged but whose metadata their first page now yields differently
with compared as (
    select
        b.doc_id,
        b.first_url as url,
        changed_fields(d, b) as changed_fields
    from batch as b
    inner join documents as d
        on d.doc_id = b.doc_id and d.first_source = b.first_source and d.first_url = b.first_url
)
select doc_id, url, changed_fields
from compared
where len(changed_fields) > 0
order by url;
