select kind, id, name from rest_terms where source = $source order by kind, id;
