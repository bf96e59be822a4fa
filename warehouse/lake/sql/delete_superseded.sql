-- the landed rows the views in `main` do not pick (the same keys, the same order)
delete from lake.landed.documents where rowid in (
    select rowid from lake.landed.documents
    qualify row_number() over (partition by doc_id order by rowid) > 1
);

delete from lake.landed.page_versions where rowid in (
    select rowid from lake.landed.page_versions
    qualify row_number() over (partition by source, url, version order by rowid desc) > 1
);

delete from lake.landed.fetches where rowid in (
    select rowid from lake.landed.fetches
    qualify row_number() over (partition by run_id, url order by rowid) > 1
);

delete from lake.landed.drops where rowid in (
    select rowid from lake.landed.drops
    qualify row_number() over (partition by run_id, source, stage, url, reason, detail order by rowid) > 1
);

delete from lake.landed.run_sources where rowid in (
    select rowid from lake.landed.run_sources
    qualify row_number() over (partition by run_id, source order by rowid desc) > 1
);
