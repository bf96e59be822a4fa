-- Incremental crawling: the frontier (per-URL crawl state and revisit schedule), the WordPress
-- REST API's names, diffs between page versions, rejected dates; companion views `pages` and
-- `version_history`; new per-run counts. Self-contained: it may run before or after 0002-0005.

-- one row per article URL of a source: what trawl knows about it and when it is due again
create table frontier (
    source          varchar not null,
    url             varchar not null,      -- the article URL as the crawl requests it
    state           varchar not null,      -- new | live | gone | blocked | failing | not_article | disallowed
    first_seen_at   timestamptz not null,  -- first found by discovery (or first fetched)
    page_url        varchar,               -- the page's identity in page_versions (canonical URL)
    last_seen_at    timestamptz,           -- last listed by a discovery signal (REST API, sitemap, feed, archive)
    listed          boolean not null default false, -- in the source's sitemaps at the last complete inventory
    lastmod         timestamptz,           -- newest modification time a discovery signal gave
    lastmod_via     varchar,               -- rest | sitemap | feed: where that time came from
    published_at    timestamptz,           -- of the stored document: starts the revisit window
    last_fetched_at timestamptz,           -- last request that ended with an answer or an error
    last_changed_at timestamptz,           -- last time the content hash changed (first fetch included)
    last_status     integer,
    last_error      varchar,
    etag            varchar,               -- validators of the last full answer, for conditional requests
    last_modified   varchar,
    content_hash    varchar,               -- the document the page shows now (documents.doc_id)
    failures        integer not null default 0,  -- consecutive failed requests
    unchanged       integer not null default 0,  -- consecutive revisits without change
    next_due_at     timestamptz,           -- when the revisit policy wants it again; null: only on a discovery signal
    gone_at         timestamptz,           -- when a 404/410 first marked it gone
    primary key (source, url)
);

-- warehouses loaded before this migration: their article pages join the frontier, with the
-- validators of their newest full answer (so the next crawl still asks conditionally)
insert into frontier (source, url, state, first_seen_at, last_fetched_at, last_status, etag, last_modified)
with answered as (
    select
        source,
        url,
        status,
        fetched_at,
        min(fetched_at) over (partition by source, url) as first_fetched_at,
        row_number() over (partition by source, url order by fetched_at desc) as newest
    from fetches
    where role = 'article' and status is not null
),
validators as (
    select
        source,
        url,
        etag,
        last_modified,
        row_number() over (partition by source, url order by fetched_at desc) as newest
    from fetches
    where role = 'article' and status = 200
),
final as (
    select
        a.source,
        a.url,
        case
            when a.status in (404, 410) then 'gone'
            when a.status between 200 and 399 then 'live'
            else 'failing'
        end,
        a.first_fetched_at,
        a.fetched_at,
        a.status,
        v.etag,
        v.last_modified
    from answered as a
    left join validators as v on v.source = a.source and v.url = a.url and v.newest = 1
    where a.newest = 1
)
select * from final;

-- names of the WordPress REST API's numeric ids, per source: users, categories, tags
create table rest_terms (
    source  varchar not null,
    kind    varchar not null,     -- users | categories | tags
    id      bigint not null,
    name    varchar not null,
    seen_at timestamptz not null,
    primary key (source, kind, id)
);

-- the unified diff from the previous version of a page to this one
create table version_diffs (
    source  varchar not null,
    url     varchar not null,
    version integer not null,     -- the newer version
    diff    varchar not null,
    added   integer not null,     -- paragraphs added
    removed integer not null,     -- paragraphs removed
    primary key (source, url, version)
);

-- date candidates the sanity rules rejected (a future date, a modification before publication)
create table date_issues (
    run_id varchar not null,
    source varchar not null,
    url    varchar not null,
    issue  varchar not null,
    primary key (run_id, url, issue)
);

alter table run_sources add column gone integer default 0;            -- known article pages answering 404/410
alter table run_sources add column not_due integer default 0;         -- known pages found but not requested (revisit policy)
alter table run_sources add column dates_rejected integer default 0;  -- date candidates rejected by the sanity rules
