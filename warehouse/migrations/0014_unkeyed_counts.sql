-- line_counts and block_counts without their primary keys: the keys' indexes (ART) stay whole in
-- memory once a load touches them and grow with every source's counts (a million rows at 100,000
-- pages, where a count step needed more than the loader's memory limit). The loader keeps one row
-- per (source, line_hash) and per (source, block_key) itself: it adds each step's counts with a
-- MERGE (warehouse/sql/upsert_line_counts.sql, upsert_block_counts.sql). DuckDB cannot drop a
-- primary key in place, so each table is made anew and its rows copied, in this migration's
-- transaction.
create table line_counts_unkeyed (
    source     varchar not null,
    line_hash  varchar not null,
    line       varchar not null,
    doc_count  integer not null,
    first_seen timestamptz not null,
    last_seen  timestamptz not null
);
insert into line_counts_unkeyed
select source, line_hash, line, doc_count, first_seen, last_seen from line_counts;
drop table line_counts;
alter table line_counts_unkeyed rename to line_counts;

create table block_counts_unkeyed (
    source     varchar not null,
    block_key  varchar not null,   -- 12 hex digits of the block's normalized text, 4 of its coarse path
    pages      integer not null,   -- distinct extracted pages of the source with this block
    body_pages integer not null,   -- of those, pages whose extracted text held the block's text
    line       varchar,            -- that text, as extracted (null: never in an extracted text)
    first_seen timestamptz not null,
    last_seen  timestamptz not null
);
insert into block_counts_unkeyed
select source, block_key, pages, body_pages, line, first_seen, last_seen from block_counts;
drop table block_counts;
alter table block_counts_unkeyed rename to block_counts;
