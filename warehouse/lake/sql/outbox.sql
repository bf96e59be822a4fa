-- what the staging file holds and the lake does not have from it yet, as temp tables: documents
-- never sent, page versions new or changed since sent (closed, re-cleaned), and the fetches,
-- drops and report of each finished load (a report row means its last step committed)
create or replace temp table outbox_documents as
select d.*
from documents as d
anti join lake_sent_documents as s using (doc_id);

create or replace temp table outbox_versions as
with hashed as (
    select p.*, md5(cast(p as varchar)) as digest
    from page_versions as p
)
select h.*
from hashed as h
anti join lake_sent_versions as s using (source, url, version, digest);

create or replace temp table outbox_batches as
select r.run_id, r.source
from run_sources as r
anti join lake_sent_batches as s using (run_id, source);

create or replace temp table outbox_fetches as
select f.* from fetches as f semi join outbox_batches as b using (run_id, source);

create or replace temp table outbox_drops as
select d.* from drops as d semi join outbox_batches as b using (run_id, source);

create or replace temp table outbox_reports as
select r.* from run_sources as r semi join outbox_batches as b using (run_id, source);
