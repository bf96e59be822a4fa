-- (re)build the fts index over the prepared terms: they are already lower case, folded and stemmed
pragma create_fts_index(
    'search_documents', 'doc_id', 'title', 'body',
    stemmer = 'none', stopwords = 'none', ignore = '\s+', strip_accents = 0, lower = 0, overwrite = 1
);
