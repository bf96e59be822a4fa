-- the lake's documents and page versions into the local search file (its `articles` view and
-- `search` macro then read them as in a single-file warehouse); documents never change once stored
insert into documents by name
select l.*
from lake.documents as l
anti join documents as d using (doc_id);

delete from page_versions;

insert into page_versions by name
select * from lake.page_versions;
