-- in the staging file: what it has published to the lake (not a migration: only a shard's staging
-- file has these, and the lake module creates them)
create table if not exists lake_sent_documents (doc_id varchar primary key);
create table if not exists lake_sent_versions (
    source varchar, url varchar, version integer, digest varchar, primary key (source, url, version)
);
create table if not exists lake_sent_batches (run_id varchar, source varchar, primary key (run_id, source));
