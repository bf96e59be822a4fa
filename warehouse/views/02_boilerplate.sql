-- the boilerplate learned for each source at its last load, as applied
create or replace view boilerplate as
select source, line, doc_count, documents, round(doc_count / documents, 3) as share, first_seen, last_seen, learned_run_id
from boilerplate_lines
order by source, doc_count desc, line;
