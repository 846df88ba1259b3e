-- The benchmark validation (bench/README.md) in PostGIS, written as a PostGIS expert would
-- (the choices, and the variants tried and rejected with their times: bench/README.md, "The
-- PostGIS peer").
-- Inputs (loaded by postgis_bench.sh): lsoa11 (EPSG:27700, repaired, GiST), icb22_part and
-- ltla24_part (the footprints cut by ST_Subdivide into pieces of at most 64 vertices, GiST),
-- pmap, lists, dist (the CSVs). Output: table result. Re-runnable: every table it makes is
-- dropped first, so that a second run on the same server measures a warm compute.
\timing on

-- Both cores: parallel plans even for the small tables here (PostgreSQL's defaults assume
-- big ones). Work tables are UNLOGGED, not TEMP: parallel workers cannot read temp tables.
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 10;
SET parallel_tuple_cost = 0.001;
SET min_parallel_table_scan_size = 0;
SET min_parallel_index_scan_size = 0;
-- JIT compilation takes longer than it saves on queries this size (bench/README.md).
SET jit = off;

DROP TABLE IF EXISTS members, population, owner, territory_lsoa, territory, icb_frac, com_frac,
  total, icb_summary, com_summary, result;

-- Population: the sum of member practices' list sizes (SEX=ALL, AGE=ALL).
CREATE UNLOGGED TABLE members AS
  SELECT DISTINCT ON (practice_code) practice_code, pcn_code FROM pmap ORDER BY practice_code;
CREATE UNLOGGED TABLE population AS
  SELECT m.pcn_code, coalesce(sum(l.number_of_patients), 0)::bigint AS population
  FROM members m
  LEFT JOIN lists l ON l.code = m.practice_code AND l.sex = 'ALL' AND l.age = 'ALL'
  GROUP BY m.pcn_code;

-- Majority territory: each LSOA to the PCN with most patients; ties to the smaller PCN code.
CREATE UNLOGGED TABLE owner AS
  SELECT DISTINCT ON (lsoa_code) lsoa_code, pcn_code
  FROM (SELECT d.lsoa_code, m.pcn_code, sum(d.number_of_patients) AS patients
        FROM dist d JOIN members m USING (practice_code)
        WHERE d.sex = 'ALL'
        GROUP BY d.lsoa_code, m.pcn_code) t
  ORDER BY lsoa_code, patients DESC, pcn_code;

CREATE UNLOGGED TABLE territory_lsoa AS
  SELECT o.pcn_code, l.lsoa11_code, l.geom, ST_Area(l.geom) AS m2
  FROM owner o JOIN lsoa11 l ON l.lsoa11_code = o.lsoa_code;
CREATE INDEX ON territory_lsoa USING gist (geom);
ANALYZE territory_lsoa;

-- Parts: polygons of each territory's union (the LSOAs were made valid when loaded).
CREATE UNLOGGED TABLE territory AS
  SELECT pcn_code, count(*) AS territory_areas, sum(m2) / 1e6 AS territory_area_km2,
         ST_NumGeometries(ST_Union(geom)) AS territory_parts
  FROM territory_lsoa GROUP BY pcn_code;

-- LSOA x footprint overlay: the fraction of each territory LSOA inside each footprint. The
-- footprint piece is the outer side of the join, so ST_Intersects and ST_Contains see the same
-- piece call after call and use PostGIS's prepared-geometry cache; an LSOA inside a piece skips
-- the intersection; the pieces are small (ST_Subdivide), so the intersections are cheap. Pieces
-- of one footprint add up per LSOA; fractions under 1e-6 of an LSOA are dropped.
CREATE UNLOGGED TABLE icb_frac AS
  SELECT * FROM (
    SELECT t.pcn_code, t.lsoa11_code, t.m2, f.code,
           least(1.0, sum(CASE WHEN ST_Contains(f.geom, t.geom) THEN t.m2
                               ELSE ST_Area(ST_Intersection(f.geom, t.geom)) END) / t.m2) AS frac
    FROM icb22_part f JOIN territory_lsoa t ON ST_Intersects(f.geom, t.geom)
    GROUP BY t.pcn_code, t.lsoa11_code, t.m2, f.code) p
  WHERE frac > 1e-6;
CREATE UNLOGGED TABLE com_frac AS
  SELECT * FROM (
    SELECT t.pcn_code, t.lsoa11_code, t.m2, f.code,
           least(1.0, sum(CASE WHEN ST_Contains(f.geom, t.geom) THEN t.m2
                               ELSE ST_Area(ST_Intersection(f.geom, t.geom)) END) / t.m2) AS frac
    FROM ltla24_part f JOIN territory_lsoa t ON ST_Intersects(f.geom, t.geom)
    GROUP BY t.pcn_code, t.lsoa11_code, t.m2, f.code) p
  WHERE frac > 1e-6;

CREATE UNLOGGED TABLE total AS
  SELECT pcn_code, sum(m2) AS m2 FROM territory_lsoa GROUP BY pcn_code;

-- Shares per PCN and footprint; the dominant one (ties to the smaller code) and the list.
CREATE UNLOGGED TABLE icb_summary AS
  SELECT pcn_code,
         (array_agg(code ORDER BY share DESC, code))[1] AS dominant,
         1 - max(share) AS outside,
         string_agg(code || ':' || to_char(share, 'FM0.000000000000'), '|' ORDER BY code) AS shares
  FROM (SELECT p.pcn_code, p.code, sum(p.m2 * p.frac) / t.m2 AS share
        FROM icb_frac p JOIN total t USING (pcn_code) GROUP BY p.pcn_code, p.code, t.m2) s
  GROUP BY pcn_code;
CREATE UNLOGGED TABLE com_summary AS
  SELECT pcn_code,
         (array_agg(code ORDER BY share DESC, code))[1] AS dominant,
         1 - max(share) AS outside,
         string_agg(code || ':' || to_char(share, 'FM0.000000000000'), '|' ORDER BY code) AS shares
  FROM (SELECT p.pcn_code, p.code, sum(p.m2 * p.frac) / t.m2 AS share
        FROM com_frac p JOIN total t USING (pcn_code) GROUP BY p.pcn_code, p.code, t.m2) s
  GROUP BY pcn_code;

CREATE UNLOGGED TABLE result AS
  SELECT p.pcn_code, p.population,
         coalesce(t.territory_areas, 0) AS territory_areas,
         coalesce(t.territory_parts, 0) AS territory_parts,
         coalesce(t.territory_area_km2, 0) AS territory_area_km2,
         coalesce(i.dominant, '') AS icb_dominant, coalesce(i.outside, 0) AS icb_outside_share,
         coalesce(i.shares, '') AS icb_shares,
         coalesce(c.dominant, '') AS community_dominant,
         coalesce(c.outside, 0) AS community_outside_share,
         coalesce(c.shares, '') AS community_shares
  FROM population p
  LEFT JOIN territory t USING (pcn_code)
  LEFT JOIN icb_summary i USING (pcn_code)
  LEFT JOIN com_summary c USING (pcn_code);
