-- the newest modification time the source's REST API reported: where the next listing starts
select max(lastmod) from frontier where source = $source and lastmod_via = 'rest';
