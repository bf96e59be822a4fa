-- documents of the batch whose text is stored unchanged but whose metadata their first page now yields differently
with compared as (
    select
        b.doc_id,
        b.first_url as url,
        list_filter(
            [
                case when d.markdown is distinct from b.markdown then 'markdown' end,
                case when d.title is distinct from b.title then 'title' end,
                case when d.authors is distinct from b.authors then 'authors' end,
                case when d.published_at is distinct from b.published_at then 'published_at' end,
                case when d.modified_at is distinct from b.modified_at then 'modified_at' end,
                case when d.language is distinct from b.language then 'language' end,
                case when d.categories is distinct from b.categories then 'categories' end,
                case when d.tags is distinct from b.tags then 'tags' end,
                case when d.images::varchar is distinct from b.images then 'images' end,
                case when d.canonical_url is distinct from b.canonical_url then 'canonical_url' end,
                case when d.site_name is distinct from b.site_name then 'site_name' end,
                case when d.description is distinct from b.description then 'description' end,
                case when d.kind is distinct from b.kind then 'kind' end
            ],
            f -> f is not null
        ) as changed_fields
    from batch as b
    inner join documents as d
        on d.doc_id = b.doc_id and d.first_source = b.first_source and d.first_url = b.first_url
)
select doc_id, url, changed_fields
from compared
where len(changed_fields) > 0
order by url;
