create or replace view pages as
select * exclude (kind) from current_documents where kind = 'page';
