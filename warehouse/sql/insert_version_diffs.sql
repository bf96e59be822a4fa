insert into version_diffs
select source, url, version, diff, added, removed
from batch
on conflict do nothing;
