-- which of the batch's extracted texts the source had already counted
select distinct e.raw_hash
from extractions as e
inner join batch as b on e.source = b.source and e.raw_hash = b.raw_hash;
