-- the best hits of search_hits for the CLI, filtered and ordered on the few columns that decide
-- them (the text of the rows returned is read by search_details, by primary key: ranked over
-- `articles` with the text, every document's text was scanned, 1 s at 100,000 documents)
select h.doc_id, h.score, h.stems, h.strip
from search_hits($query) as h
inner join articles as a using (doc_id)
where
    ($source is null or list_contains(a.sources, $source))
    and ($language is null or a.language = $language)
    and ($since is null or a.published_at >= $since)
    and ($until is null or a.published_at < $until)
order by h.score desc, a.published_at desc nulls last, a.doc_id
limit $limit;
