-- the boilerplate a source's documents were last cleaned with, and over how many texts it was learned
select line, doc_count, documents
from boilerplate_lines
where source = $source
order by line;
