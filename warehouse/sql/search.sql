-- the best hits of search_hits for the CLI, filtered; snippets only for the rows returned
with ranked as (
    select h.score, h.stems, h.strip, a.*
    from search_hits($query) as h
    inner join articles as a using (doc_id)
    where
        ($source is null or list_contains(a.sources, $source))
        and ($language is null or a.language = $language)
        and ($since is null or a.published_at >= $since)
        and ($until is null or a.published_at < $until)
    order by h.score desc, a.published_at desc nulls last, a.doc_id
    limit $limit
),
final as (
    select
        round(score, 4) as score,
        source,
        published_at,
        title,
        url,
        search_snippet(text, stems, strip) as snippet,
        language,
        doc_id
    from ranked
)
select * from final
order by score desc, published_at desc nulls last, doc_id;
