-- the postings appended after the part stored in term order, and all the postings
select
    count(*) filter (where docid > (select coalesce(max(docid), 0) from search_sorted)) as unsorted,
    count(*) as postings
from search_postings;
