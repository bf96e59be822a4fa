insert or replace into rebuilds by name
select * from batch;
