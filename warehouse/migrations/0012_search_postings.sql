-- the full-text index as plain tables that grow with each night's documents: DuckDB's fts index
-- is rebuilt whole, never patched (about 100 s per 100,000 documents at every run that added
-- one). Filled from `search_documents` (the terms of each document) by `warehouse/search.py`,
-- a bounded number of documents per transaction; the `search_hits` macro scores BM25 on them.
create table search_docs (
    docid    integer not null,   -- the document's number in the index (1, 2, ... in indexing order)
    doc_id   varchar not null,   -- documents.doc_id
    language varchar not null,   -- its language, 'und' when unknown
    len      integer not null    -- its index terms, title and text
);

create table search_dict (
    termid integer not null,     -- the term's number (1, 2, ... in indexing order)
    term   varchar not null      -- "<language>_<stem>"
);

create table search_postings (
    termid integer not null,     -- search_dict.termid
    docid  integer not null,     -- search_docs.docid
    tf     integer not null      -- occurrences of the term in the document's title and text
);
