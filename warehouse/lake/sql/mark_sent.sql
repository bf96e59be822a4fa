-- in the staging file, once the lake has the outbox: what it holds is sent
insert into lake_sent_documents select doc_id from outbox_documents on conflict do nothing;
insert or replace into lake_sent_versions select source, url, version, digest from outbox_versions;
insert into lake_sent_batches select run_id, source from outbox_batches on conflict do nothing;
