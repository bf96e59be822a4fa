-- the lake's own tables (schema `landed`): append-only while shards load, every row tagged with
-- the batch that landed it. DuckLake has no primary keys: the views in `main` pick one row per
-- key (see warehouse/lake/views), and `settle` deletes the rows they do not pick.
create schema if not exists landed;

create table if not exists landed.lake_batches (
    batch_id   varchar not null,    -- "<run_id>/<source>": the load that published
    shard      varchar not null,    -- the staging file's shard name
    run_id     varchar not null,
    source     varchar not null,
    landed_at  timestamptz not null,
    documents  integer not null,    -- rows this batch landed, per table
    versions   integer not null,
    fetches    integer not null,
    drops      integer not null,
    reports    integer not null,
    retries    integer not null     -- attempts the catalog refused before this one committed
);

create table if not exists landed.documents (
    doc_id varchar not null, content_hash varchar, normalizer_version varchar, title varchar,
    authors varchar[], published_at timestamptz, modified_at timestamptz, language varchar,
    language_confidence double, text varchar, markdown varchar, images json, categories varchar[],
    tags varchar[], canonical_url varchar, site_name varchar, description varchar, word_count integer,
    provenance json, first_source varchar, first_url varchar, first_seen_at timestamptz,
    first_run_id varchar, links varchar[], kind varchar,
    batch_id varchar not null, landed_at timestamptz not null
);

create table if not exists landed.page_versions (
    source varchar not null, url varchar not null, version integer not null, doc_id varchar,
    valid_from timestamptz, valid_to timestamptz, run_id varchar, fetched_url varchar,
    raw_hash varchar, cleaning_version varchar,
    batch_id varchar not null, landed_at timestamptz not null
);

create table if not exists landed.fetches (
    run_id varchar not null, source varchar not null, url varchar not null, final_url varchar,
    role varchar, status integer, content_type varchar, bytes bigint, elapsed_ms double,
    fetched_at timestamptz, etag varchar, last_modified varchar, error varchar, warc_file varchar,
    warc_offset bigint, lastmod timestamptz,
    batch_id varchar not null, landed_at timestamptz not null
);

create table if not exists landed.drops (
    run_id varchar not null, source varchar not null, stage varchar, reason varchar, url varchar,
    detail varchar, text varchar,
    batch_id varchar not null, landed_at timestamptz not null
);

create table if not exists landed.run_sources (
    run_id varchar not null, source varchar not null, status varchar, error varchar,
    discovered integer, fetched integer, not_modified integer, failed integer, extracted integer,
    discarded integer, discard_reasons json, new_documents integer, duplicates integer,
    new_versions integer, boilerplate_removed integer, started_at timestamptz,
    finished_at timestamptz, crawl_stats json, recleaned integer, cleaning_version varchar,
    gone integer, not_due integer, dates_rejected integer, failed_reasons varchar, blocked integer,
    batch_id varchar not null, landed_at timestamptz not null
);

create table if not exists landed.lake_schema (
    digest     varchar not null,    -- of these tables and the views, as applied last
    applied_at timestamptz not null
);
