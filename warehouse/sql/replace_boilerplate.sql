insert into boilerplate_lines
select source, line_hash, line, doc_count, documents, first_seen, last_seen, learned_run_id
from batch;
