-- each source's configuration as validated at its last crawl
select source, config
from sources
order by source;
