-- duplicate clusters of current articles: one text on several pages ('exact'), or several
-- texts that are near-duplicates of each other ('near'), with every page's URL
create or replace view duplicate_clusters as
with members as (
    select c.cluster_id, a.doc_id
    from near_duplicate_clusters as c
    inner join articles as a using (doc_id)
    union all
    select a.doc_id as cluster_id, a.doc_id
    from articles as a
    anti join near_duplicate_clusters as c using (doc_id)
    where len(a.urls) > 1
),
pages as (
    select m.cluster_id, m.doc_id, p.source, p.url, p.valid_from
    from members as m
    inner join page_versions as p on m.doc_id = p.doc_id and p.valid_to is null
),
similarity as (
    select c.cluster_id, min(p.jaccard) as min_jaccard
    from near_duplicate_pairs as p
    inner join near_duplicate_clusters as c on p.doc_a = c.doc_id
    group by c.cluster_id
),
final as (
    select
        p.cluster_id,
        case when count(distinct p.doc_id) > 1 then 'near' else 'exact' end as kind,
        count(distinct p.doc_id) as documents,
        count(*) as pages,
        list(distinct p.source order by p.source) as sources,
        list(p.url order by p.valid_from, p.source, p.url) as urls,
        list(distinct d.title order by d.title) as titles,
        coalesce(min(s.min_jaccard), 1.0) as min_jaccard,
        min(d.first_seen_at) as first_seen_at
    from pages as p
    inner join documents as d using (doc_id)
    left join similarity as s using (cluster_id)
    group by p.cluster_id
    having count(*) > 1
)
select * from final;
