-- pages whose document changed (registered `batch`: url, old_doc_id, new_doc_id), with the
-- fields that differ between the two documents; covers new versions and in-place re-cleans
with pairs as (
    select url, old_doc_id, new_doc_id
    from batch
),
final as (
    select
        p.url,
        p.old_doc_id,
        p.new_doc_id,
        changed_fields(o, n) as changed_fields
    from pairs as p
    inner join documents as n on n.doc_id = p.new_doc_id
    left join documents as o on o.doc_id = p.old_doc_id
)
select url, old_doc_id, new_doc_id, changed_fields
from final
order by url;
