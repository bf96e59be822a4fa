-- the fts index earlier versions built over search_documents (dropped: search_postings replaced it)
select count(*) > 0 from information_schema.schemata where schema_name = 'fts_main_search_documents';
