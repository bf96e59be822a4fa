-- which of the batch's extracted texts had their page's blocks counted already
select distinct p.raw_hash
from block_pages as p
inner join batch as b on p.source = b.source and p.raw_hash = b.raw_hash;
