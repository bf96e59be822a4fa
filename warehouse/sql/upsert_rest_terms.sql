insert or replace into rest_terms
select source, kind, id, name, seen_at
from batch;
