-- the fields in which two documents (rows of `documents`, or rows shaped like them) differ: what
-- `reextract` records per changed page (`document_changes.changed_fields`)
create or replace macro changed_fields(o, n) as
list_filter(
    [
        case when o.text is distinct from n.text then 'text' end,
        case when o.markdown is distinct from n.markdown then 'markdown' end,
        case when o.word_count is distinct from n.word_count then 'word_count' end,
        case when o.title is distinct from n.title then 'title' end,
        case when o.authors is distinct from n.authors then 'authors' end,
        case when o.published_at is distinct from n.published_at then 'published_at' end,
        case when o.modified_at is distinct from n.modified_at then 'modified_at' end,
        case when o.language is distinct from n.language then 'language' end,
        case when o.categories is distinct from n.categories then 'categories' end,
        case when o.tags is distinct from n.tags then 'tags' end,
        case when o.images::varchar is distinct from n.images::varchar then 'images' end,
        case when o.canonical_url is distinct from n.canonical_url then 'canonical_url' end,
        case when o.site_name is distinct from n.site_name then 'site_name' end,
        case when o.description is distinct from n.description then 'description' end,
        case when o.kind is distinct from n.kind then 'kind' end
    ],
    f -> f is not null
);
