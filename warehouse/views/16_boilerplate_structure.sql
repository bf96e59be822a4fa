-- the learned blocks whose text some extracted page held: the lines they strip
create or replace view boilerplate_structure as
select
    source,
    line,
    pages,
    body_pages,
    source_pages,
    round(pages / source_pages, 3) as share,
    learned_run_id
from boilerplate_blocks
where line is not null
order by source, pages desc, line;
