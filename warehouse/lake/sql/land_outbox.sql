-- the outbox into the lake, every row tagged with the batch that lands it (one lake transaction)
insert into lake.landed.documents by name
select *, $batch_id as batch_id, $landed_at as landed_at from outbox_documents;

insert into lake.landed.page_versions by name
select * exclude (digest), $batch_id as batch_id, $landed_at as landed_at from outbox_versions;

insert into lake.landed.fetches by name
select *, $batch_id as batch_id, $landed_at as landed_at from outbox_fetches;

insert into lake.landed.drops by name
select *, $batch_id as batch_id, $landed_at as landed_at from outbox_drops;

insert into lake.landed.run_sources by name
select *, $batch_id as batch_id, $landed_at as landed_at from outbox_reports;

insert into lake.landed.lake_batches
select
    $batch_id, $shard, $run_id, $source, $landed_at,
    (select count(*) from outbox_documents),
    (select count(*) from outbox_versions),
    (select count(*) from outbox_fetches),
    (select count(*) from outbox_drops),
    (select count(*) from outbox_reports),
    $retries;
