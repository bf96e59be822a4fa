-- every current document of either kind, with the URLs showing it: `articles` and `pages` are its two halves
create or replace view current_documents as
with urls as (
    select
        doc_id,
        list(url order by valid_from, source, url) as urls,
        list(distinct source order by source) as sources
    from document_urls
    where is_current
    group by doc_id
),
final as (
    select
        d.doc_id,
        d.first_source as source,
        d.first_url as url,
        u.urls,
        u.sources,
        d.title,
        d.authors,
        d.published_at,
        d.modified_at,
        d.language,
        d.language_confidence,
        d.categories,
        d.tags,
        d.images,
        d.canonical_url,
        d.site_name,
        d.description,
        d.word_count,
        d.text,
        d.markdown,
        d.content_hash,
        d.normalizer_version,
        d.provenance,
        d.first_seen_at,
        coalesce(d.kind, 'article') as kind
    from documents as d
    inner join urls as u using (doc_id)
)
select * from final;
