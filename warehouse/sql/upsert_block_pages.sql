insert into block_pages
select source, raw_hash, seen_at as counted_at
from batch
on conflict do nothing;
