insert into documents by name
select
    doc_id, content_hash, normalizer_version, title, authors, published_at, modified_at,
    language, language_confidence, text, markdown, images::json as images, categories, tags,
    canonical_url, site_name, description, word_count, provenance::json as provenance,
    first_source, first_url, first_seen_at, first_run_id, links, kind
from batch
on conflict do nothing;
