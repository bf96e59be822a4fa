create or replace view articles as
select * exclude (kind) from current_documents where kind = 'article';
