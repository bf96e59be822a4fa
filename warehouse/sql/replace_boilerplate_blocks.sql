insert into boilerplate_blocks
select source, block_key, line, pages, body_pages, source_pages, learned_run_id
from batch;
