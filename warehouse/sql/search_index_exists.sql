select count(*) > 0 from information_schema.schemata where schema_name = 'fts_main_search_documents';
