-- trawl warehouse, first schema: sources, runs, fetches, extractions, documents, page versions, boilerplate.

create table sources (
    source        varchar primary key,   -- the source key: spider argument, archive folder, this column
    name          varchar not null,
    url           varchar not null,      -- home URL
    language_hint varchar,
    config        json,                  -- the validated sources-file entry
    updated_at    timestamptz not null
);

create table runs (
    run_id      varchar primary key,
    started_at  timestamptz not null,
    finished_at timestamptz,
    status      varchar not null,        -- running | completed | completed_with_failures | failed
    flow_run_id varchar,
    trawl_version varchar
);

-- one row per source and run: the per-run, per-source report
create table run_sources (
    run_id              varchar not null,
    source              varchar not null,
    status              varchar not null,    -- ok | failed | unreachable
    error               varchar,
    discovered          integer default 0,   -- article URLs requested
    fetched             integer default 0,   -- article pages answered 200
    not_modified        integer default 0,   -- 304 answers
    failed              integer default 0,   -- article requests with an error or 4xx/5xx
    extracted           integer default 0,
    discarded           integer default 0,
    discard_reasons     json,
    new_documents       integer default 0,
    duplicates          integer default 0,   -- pages whose content was already stored
    new_versions        integer default 0,
    boilerplate_removed integer default 0,   -- lines removed as site boilerplate
    started_at          timestamptz,
    finished_at         timestamptz,
    crawl_stats         json,
    primary key (run_id, source)
);

-- every HTTP response (or download error) of every crawl
create table fetches (
    run_id        varchar not null,
    source        varchar not null,
    url           varchar not null,
    final_url     varchar,
    role          varchar,            -- robots | sitemap | feed | home | archive | article
    status        integer,            -- null when no response arrived
    content_type  varchar,
    bytes         bigint,
    elapsed_ms    double,
    fetched_at    timestamptz,
    etag          varchar,
    last_modified varchar,
    error         varchar,
    warc_file     varchar,            -- relative to the archive root
    warc_offset   bigint,
    lastmod       timestamptz,        -- from the sitemap
    primary key (run_id, url)
);

-- what extraction made of each archived article page (Article fields, before site cleaning)
create table extractions (
    source        varchar not null,
    url           varchar not null,
    raw_hash      varchar not null,   -- hash of the extracted text before boilerplate removal
    run_id        varchar not null,
    extracted_at  timestamptz not null,
    record        json not null,      -- the Article as extracted
    primary key (source, url, raw_hash)
);

create table discards (
    run_id  varchar not null,
    source  varchar not null,
    url     varchar not null,
    reason  varchar not null,
    detail  varchar,
    primary key (run_id, url)
);

-- distinct contents: one row per content hash, whatever the number of URLs
create table documents (
    doc_id              varchar primary key,   -- = content_hash
    content_hash        varchar not null,
    normalizer_version  varchar not null,
    title               varchar,
    authors             varchar[],
    published_at        timestamptz,
    modified_at         timestamptz,
    language            varchar,
    language_confidence double,
    text                varchar not null,
    markdown            varchar,
    images              json,                  -- [{url, alt, caption}]
    categories          varchar[],
    tags                varchar[],
    canonical_url       varchar,
    site_name           varchar,
    description         varchar,
    word_count          integer,
    provenance          json,                  -- field -> signal it came from
    first_source        varchar not null,
    first_url           varchar not null,
    first_seen_at       timestamptz not null,
    first_run_id        varchar not null
);

-- which content each page (source, canonical URL) showed, and when: the version history
create table page_versions (
    source      varchar not null,
    url         varchar not null,      -- canonical URL
    version     integer not null,
    doc_id      varchar not null,
    valid_from  timestamptz not null,
    valid_to    timestamptz,           -- null for the current version
    run_id      varchar not null,
    fetched_url varchar,
    primary key (source, url, version)
);

-- per source: in how many distinct extracted texts each line occurs
create table line_counts (
    source     varchar not null,
    line_hash  varchar not null,
    line       varchar not null,
    doc_count  integer not null,
    first_seen timestamptz not null,
    last_seen  timestamptz not null,
    primary key (source, line_hash)
);

create table boilerplate_lines (
    source         varchar not null,
    line_hash      varchar not null,
    line           varchar not null,
    doc_count      integer not null,   -- distinct documents of the source with this line
    documents      integer not null,   -- distinct documents of the source at learning time
    first_seen     timestamptz not null,
    last_seen      timestamptz not null,
    learned_run_id varchar not null,
    primary key (source, line_hash)
);
