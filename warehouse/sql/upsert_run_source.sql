insert or replace into run_sources by name
select * from batch;
