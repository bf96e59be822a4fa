insert or replace into frontier by name
select * from batch;
