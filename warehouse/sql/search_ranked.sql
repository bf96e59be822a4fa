-- the best hits of search_hits for the CLI, filtered and ordered on the few columns that decide
-- them (the text of the rows returned is read by search_details, by primary key). The hits are
-- current articles as `articles` has them (a document of kind article with a current URL), but
-- tested per hit: through `articles`, every document's URL lists were built first
with hits as (
    select h.doc_id, h.score, h.stems, h.strip, d.published_at
    from search_hits($query) as h
    inner join documents as d using (doc_id)
    where
        coalesce(d.kind, 'article') = 'article'
        and ($language is null or d.language = $language)
        and ($since is null or d.published_at >= $since)
        and ($until is null or d.published_at < $until)
),
shown as (  -- the hits with a current URL (of the source asked for)
    select distinct v.doc_id
    from page_versions as v
    semi join hits as h using (doc_id)
    where v.valid_to is null and ($source is null or v.source = $source)
)
select h.doc_id, h.score, h.stems, h.strip
from hits as h
semi join shown as s using (doc_id)
order by h.score desc, h.published_at desc nulls last, h.doc_id
limit $limit;
