-- The benchmark validation (bench/README.md) in PostGIS, as an analyst would write it.
-- Inputs (loaded by postgis_bench.sh): lsoa11, icb22, ltla24 (EPSG:27700 polygons with GiST
-- indexes), pmap, lists, dist (the CSVs as text columns). Output: table result.
\timing on

-- Population: the sum of member practices' list sizes (SEX=ALL, AGE=ALL).
CREATE TEMP TABLE members AS
  SELECT DISTINCT ON (practice_code) practice_code, pcn_code FROM pmap ORDER BY practice_code;
CREATE TEMP TABLE population AS
  SELECT m.pcn_code, coalesce(sum(l.number_of_patients::bigint), 0)::bigint AS population
  FROM members m
  LEFT JOIN lists l ON l.code = m.practice_code AND l.sex = 'ALL' AND l.age = 'ALL'
  GROUP BY m.pcn_code;

-- Majority territory: each LSOA to the PCN with most patients; ties to the smaller PCN code.
CREATE TEMP TABLE owner AS
  SELECT DISTINCT ON (lsoa_code) lsoa_code, pcn_code
  FROM (SELECT d.lsoa_code, m.pcn_code, sum(d.number_of_patients::bigint) AS patients
        FROM dist d JOIN members m USING (practice_code)
        WHERE d.sex = 'ALL'
        GROUP BY d.lsoa_code, m.pcn_code) t
  ORDER BY lsoa_code, patients DESC, pcn_code;

CREATE TEMP TABLE territory_lsoa AS
  SELECT o.pcn_code, l.lsoa11_code, l.geom, ST_Area(l.geom) AS m2
  FROM owner o JOIN lsoa11 l ON l.lsoa11_code = o.lsoa_code;
CREATE INDEX ON territory_lsoa USING gist (geom);
ANALYZE territory_lsoa;

CREATE TEMP TABLE territory AS
  SELECT pcn_code, count(*) AS territory_areas, sum(m2) / 1e6 AS territory_area_km2,
         ST_NumGeometries(ST_Union(geom)) AS territory_parts
  FROM territory_lsoa GROUP BY pcn_code;

-- LSOA x footprint overlay: fraction of each territory LSOA inside each footprint. Wholly
-- contained LSOAs skip the intersection; slivers under 1e-6 of an LSOA are dropped.
CREATE TEMP TABLE icb_piece AS
  SELECT * FROM (
    SELECT t.pcn_code, t.m2, f.icb22cd AS code,
           CASE WHEN ST_Within(t.geom, f.geom) THEN 1.0
                ELSE least(1.0, ST_Area(ST_Intersection(t.geom, f.geom)) / t.m2) END AS frac
    FROM territory_lsoa t JOIN icb22 f ON ST_Intersects(t.geom, f.geom)) p
  WHERE frac > 1e-6;
CREATE TEMP TABLE com_piece AS
  SELECT * FROM (
    SELECT t.pcn_code, t.m2, f.ltla24_code AS code,
           CASE WHEN ST_Within(t.geom, f.geom) THEN 1.0
                ELSE least(1.0, ST_Area(ST_Intersection(t.geom, f.geom)) / t.m2) END AS frac
    FROM territory_lsoa t JOIN ltla24 f ON ST_Intersects(t.geom, f.geom)) p
  WHERE frac > 1e-6;

CREATE TEMP TABLE total AS SELECT pcn_code, sum(m2) AS m2 FROM territory_lsoa GROUP BY pcn_code;

CREATE TEMP TABLE icb_share AS
  SELECT p.pcn_code, p.code, sum(p.m2 * p.frac) / t.m2 AS share
  FROM icb_piece p JOIN total t USING (pcn_code) GROUP BY p.pcn_code, p.code, t.m2;
CREATE TEMP TABLE com_share AS
  SELECT p.pcn_code, p.code, sum(p.m2 * p.frac) / t.m2 AS share
  FROM com_piece p JOIN total t USING (pcn_code) GROUP BY p.pcn_code, p.code, t.m2;

CREATE TEMP TABLE icb_summary AS
  SELECT pcn_code,
         (array_agg(code ORDER BY share DESC, code))[1] AS dominant,
         1 - max(share) AS outside,
         string_agg(code || ':' || to_char(share, 'FM0.000000000000'), '|' ORDER BY code) AS shares
  FROM icb_share GROUP BY pcn_code;
CREATE TEMP TABLE com_summary AS
  SELECT pcn_code,
         (array_agg(code ORDER BY share DESC, code))[1] AS dominant,
         1 - max(share) AS outside,
         string_agg(code || ':' || to_char(share, 'FM0.000000000000'), '|' ORDER BY code) AS shares
  FROM com_share GROUP BY pcn_code;

CREATE TABLE result AS
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
