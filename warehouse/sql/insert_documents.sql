insert into documents
select
    doc_id, content_hash, normalizer_version, title, authors, published_at, modified_at,
    language, language_confidence, text, markdown, images::json, categories, tags,
    canonical_url, site_name, description, word_count, provenance::json,
    first_source, first_url, first_seen_at, first_run_id
from batch
on conflict do nothing;
