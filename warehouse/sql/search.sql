-- ranked full-text hits of the search macro, filtered by source, language and publication window
select score, source, published_at, title, url, snippet, language, doc_id
from search($query)
where
    ($source is null or list_contains(sources, $source))
    and ($language is null or language = $language)
    and ($since is null or published_at >= $since)
    and ($until is null or published_at < $until)
order by score desc, published_at desc nulls last, doc_id
limit $limit;
