-- a source's load in bounded steps, each in its own transaction: the steps a load finished, with
-- what each counted (for the run report) and the pages it settled (for the frontier), so that a
-- load killed half-way is completed by the next run without counting a page twice. A source's rows
-- go when its load's last step (fetches, frontier, report row) commits.
create table load_progress (
    run_id  varchar not null,
    source  varchar not null,
    step    varchar not null,   -- load-<chunk>-<digest of its pages> | reclean-<digest of its pages>
    counts  json not null,      -- {counter: n}: the report's counters this step added
    results json not null,      -- {url: [content_hash, page_url, published_at, gone]}: frontier inputs
    done_at timestamptz not null,
    primary key (run_id, source, step)
);
