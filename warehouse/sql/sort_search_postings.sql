-- rewrite search_postings in (termid, docid) order (run in one transaction): a new table with the
-- same columns, filled in order, in the old one's place
create table search_postings_sorted (
    termid integer not null,
    docid  integer not null,
    tf     integer not null
);

insert into search_postings_sorted
select termid, docid, tf
from search_postings
order by termid, docid;

drop table search_postings;

alter table search_postings_sorted rename to search_postings;

delete from search_sorted;

insert into search_sorted
select coalesce(max(docid), 0) from search_docs;
