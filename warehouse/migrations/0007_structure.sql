-- site boilerplate learned from the pages' structure: text blocks repeated across a source's HTML
-- (transforms/structure.py, warehouse/structure.py)

-- per source and block key (text + coarse DOM path, hashed), over its distinct extracted pages:
-- on how many pages the block was, and on how many its text was in the extracted text
create table block_counts (
    source     varchar not null,
    block_key  varchar not null,   -- 12 hex digits of the block's normalized text, 4 of its coarse path
    pages      integer not null,   -- distinct extracted pages of the source with this block
    body_pages integer not null,   -- of those, pages whose extracted text held the block's text
    line       varchar,            -- that text, as extracted (null: never in an extracted text)
    first_seen timestamptz not null,
    last_seen  timestamptz not null,
    primary key (source, block_key)
);

-- per source: the distinct extracted pages whose blocks were counted (their number is the share's
-- denominator); a page is counted once, and a page extracted before blocks were read is counted
-- when it is re-extracted (trawl reextract)
create table block_pages (
    source     varchar not null,
    raw_hash   varchar not null,   -- the extracted text (extractions.raw_hash) of the counted page
    counted_at timestamptz not null,
    primary key (source, raw_hash)
);

-- the blocks learned as boilerplate at the source's last load: on at least max(4, 30 %) of its
-- pages, their text in the extracted text of at most half of the pages they are on
create table boilerplate_blocks (
    source         varchar not null,
    block_key      varchar not null,
    line           varchar,
    pages          integer not null,
    body_pages     integer not null,
    source_pages   integer not null,   -- the source's counted pages (block_pages) at learning time
    learned_run_id varchar not null,
    primary key (source, block_key)
);
