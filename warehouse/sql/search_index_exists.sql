select count(*) > 0 from search_docs;
