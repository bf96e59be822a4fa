copy (select * from export_articles($since, $source) order by source, month, published_at, doc_id)
to $path (format json);
