-- re-extraction from the archive: what each rebuild used, and which documents it changed, field by field

-- one row per source and reextract run: the versions of the code that rebuilt the documents
create table rebuilds (
    run_id             varchar not null,
    source             varchar not null,
    pages              integer not null,   -- archived article pages re-extracted
    changed            integer not null,   -- pages whose document changed
    new_pages          integer not null,   -- pages in the archive the warehouse did not have
    discarded          integer not null,   -- pages the current extractor discards
    fields             json,               -- field -> number of changed documents
    extractor_version  varchar not null,
    cleaner_version    varchar not null,
    normalizer_version varchar not null,
    trafilatura_version varchar,
    started_at         timestamptz,
    finished_at        timestamptz,
    primary key (run_id, source)
);

-- one row per page whose document a rebuild changed
create table document_changes (
    run_id         varchar not null,
    source         varchar not null,
    url            varchar not null,    -- canonical page URL, as in page_versions
    old_doc_id     varchar,             -- null: a page the warehouse did not have
    new_doc_id     varchar not null,
    changed_fields varchar[] not null,
    primary key (run_id, source, url)
);
