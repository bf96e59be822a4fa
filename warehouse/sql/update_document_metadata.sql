-- rewrite the metadata of documents from their first page's new extraction (text and hash unchanged)
update documents as d
set
    markdown = b.markdown,
    title = b.title,
    authors = b.authors,
    published_at = b.published_at,
    modified_at = b.modified_at,
    language = b.language,
    language_confidence = b.language_confidence,
    categories = b.categories,
    tags = b.tags,
    images = b.images::json,
    canonical_url = b.canonical_url,
    site_name = b.site_name,
    description = b.description,
    provenance = b.provenance::json,
    kind = b.kind
from batch as b
where d.doc_id = b.doc_id and d.first_source = b.first_source and d.first_url = b.first_url;
