select doc_id, text from documents where doc_id in (select doc_id from batch);
