#!/usr/bin/python3
"""The benchmark validation (bench/README.md) as a geopandas expert would write it.

    geopandas_bench.py WORKLOAD_DIR OUT.csv

Debian 12's geopandas 0.12 / shapely 1.8 / rtree / pandas 1.5, with GEOS underneath as for pcnv
and PostGIS. The choices, and the variants tried and rejected with their times, are in
bench/README.md ("The geopandas peer"). Prints its step timings to stderr.
"""
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
from osgeo import gdal
from shapely.ops import unary_union

gdal.UseExceptions()
SLIVER = 1e-6  # pieces under this fraction of an LSOA are dropped, as in every implementation


def lap(t0, what):
    t = time.perf_counter()
    print(f"geopandas: {what:<28} {t - t0:8.3f} s", file=sys.stderr)
    return t


def read_layer(path, columns):
    """A GeoPackage layer through GDAL's columnar (Arrow) reader: the attributes as arrays and
    the geometries as WKB, decoded in one call; what pyogrio does, which Debian 12 lacks, and
    several times faster than fiona's feature-by-feature dictionaries."""
    ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    layer = ds.GetLayer(0)
    geom_col = layer.GetGeometryColumn() or "wkb_geometry"
    parts = {c: [] for c in columns + [geom_col]}
    for batch in layer.GetArrowStreamAsNumPy(options=["MAX_FEATURES_IN_BATCH=100000"]):
        for c in parts:
            parts[c].append(batch[c])
    data = {c: np.concatenate(parts[c]) for c in columns}
    geometry = gpd.GeoSeries.from_wkb(np.concatenate(parts[geom_col]), crs=27700)
    return gpd.GeoDataFrame({c: pd.array(v.astype(str)) for c, v in data.items()},
                            geometry=geometry.values, crs=27700)


def fractions(territory, footprints, code_col):
    """(territory LSOA, footprint) pairs with the fraction of the LSOA inside the footprint.

    The spatial index is built once on the territory LSOAs and queried with each footprint, so
    each footprint is prepared once (shapely's prepared geometry) and tested against the LSOAs
    its bounding box meets: "contains" pairs have fraction 1 and skip the intersection; only the
    other "intersects" pairs are intersected, pairwise (not an overlay of the two layers)."""
    lsoa_geoms = territory.geometry
    fp_idx, lsoa_idx = territory.sindex.query_bulk(footprints.geometry, predicate="intersects")
    inside_fp, inside_lsoa = territory.sindex.query_bulk(footprints.geometry,
                                                         predicate="contains")
    pairs = pd.DataFrame({"fp": fp_idx, "lsoa": lsoa_idx})
    inside = pd.DataFrame({"fp": inside_fp, "lsoa": inside_lsoa, "whole": True})
    pairs = pairs.merge(inside, on=["fp", "lsoa"], how="left")
    pairs["whole"] = pairs["whole"].fillna(False).astype(bool)
    cut = pairs[~pairs["whole"]]
    pieces = lsoa_geoms.iloc[cut["lsoa"].to_numpy()].reset_index(drop=True).intersection(
        footprints.geometry.iloc[cut["fp"].to_numpy()].reset_index(drop=True), align=False)
    m2 = territory["lsoa_m2"].to_numpy()
    pairs["frac"] = 1.0
    pairs.loc[~pairs["whole"], "frac"] = np.minimum(
        1.0, pieces.area.to_numpy() / m2[cut["lsoa"].to_numpy()])
    pairs = pairs[pairs["frac"] > SLIVER]
    return pd.DataFrame({
        "pcn_code": territory["pcn_code"].to_numpy()[pairs["lsoa"].to_numpy()],
        "code": footprints[code_col].to_numpy()[pairs["fp"].to_numpy()],
        "m2": m2[pairs["lsoa"].to_numpy()] * pairs["frac"].to_numpy(),
    })


def shares(frac, total, prefix):
    """Each PCN's share in each footprint, its dominant footprint and the outside share."""
    by = frac.groupby(["pcn_code", "code"], as_index=False, sort=True)["m2"].sum()
    by["share"] = by["m2"] / total.reindex(by["pcn_code"]).to_numpy()
    by["item"] = by["code"] + ":" + by["share"].map("{:.12f}".format)
    listed = by.groupby("pcn_code", sort=True)["item"].agg("|".join)
    best = (by.sort_values(["pcn_code", "share", "code"], ascending=[True, False, True])
            .drop_duplicates("pcn_code").set_index("pcn_code"))
    return pd.DataFrame({f"{prefix}_dominant": best["code"],
                         f"{prefix}_outside_share": 1.0 - best["share"],
                         f"{prefix}_shares": listed})


def main():
    work, out_path = sys.argv[1], sys.argv[2]
    t = t0 = time.perf_counter()
    lsoa = read_layer(f"{work}/lsoa11.gpkg", ["lsoa11_code"])
    icb = read_layer(f"{work}/icb22.gpkg", ["ICB22CD"])
    ltla = read_layer(f"{work}/ltla24.gpkg", ["ltla24_code"])
    t = lap(t, "read layers")
    pmap = pd.read_csv(f"{work}/gp-reg-pat-prac-map.csv", dtype=str,
                       usecols=["PRACTICE_CODE", "PCN_CODE"])
    lists = pd.read_csv(f"{work}/gp-reg-pat-prac-all.csv",
                        dtype={"CODE": str, "SEX": str, "AGE": str, "NUMBER_OF_PATIENTS": "int64"},
                        usecols=["CODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"])
    dist = pd.read_csv(f"{work}/gp-reg-pat-prac-lsoa-all.csv",
                       dtype={"PRACTICE_CODE": "category", "LSOA_CODE": "category",
                              "SEX": "category", "NUMBER_OF_PATIENTS": "int64"},
                       usecols=["PRACTICE_CODE", "LSOA_CODE", "SEX", "NUMBER_OF_PATIENTS"])
    t = lap(t, "read tables")

    members = pmap.drop_duplicates("PRACTICE_CODE")
    lists = lists[(lists["SEX"] == "ALL") & (lists["AGE"] == "ALL")]
    pop = (members.merge(lists[["CODE", "NUMBER_OF_PATIENTS"]], how="left",
                         left_on="PRACTICE_CODE", right_on="CODE")
           .groupby("PCN_CODE")["NUMBER_OF_PATIENTS"].sum().astype("int64")
           .rename("population"))
    pop.index.name = "pcn_code"

    # Majority territory: each LSOA to the PCN with most patients, ties to the smaller code.
    dist = dist[dist["SEX"] == "ALL"]
    pcn_of = members.set_index("PRACTICE_CODE")["PCN_CODE"]
    dist = pd.DataFrame({"LSOA_CODE": dist["LSOA_CODE"].astype(str).to_numpy(),
                         "PCN_CODE": pcn_of.reindex(dist["PRACTICE_CODE"].astype(str)).to_numpy(),
                         "N": dist["NUMBER_OF_PATIENTS"].to_numpy()}).dropna()
    per = dist.groupby(["LSOA_CODE", "PCN_CODE"], as_index=False, sort=False)["N"].sum()
    owner = (per.sort_values(["LSOA_CODE", "N", "PCN_CODE"], ascending=[True, False, True])
             .drop_duplicates("LSOA_CODE"))
    territory = lsoa.merge(owner[["LSOA_CODE", "PCN_CODE"]], left_on="lsoa11_code",
                           right_on="LSOA_CODE")
    territory = territory.rename(columns={"PCN_CODE": "pcn_code"}).reset_index(drop=True)
    territory["lsoa_m2"] = territory.geometry.area
    t = lap(t, "population + majority")

    # Parts: polygons of each territory's union (one GEOS unary union per PCN).
    parts = territory.groupby("pcn_code").geometry.agg(
        lambda g: len(getattr(unary_union(g.values), "geoms", [None])))
    stats = territory.groupby("pcn_code").agg(territory_areas=("lsoa11_code", "size"),
                                              m2=("lsoa_m2", "sum"))
    stats["territory_parts"] = parts
    stats["territory_area_km2"] = stats["m2"] / 1e6
    t = lap(t, "union territories")

    icb_sh = shares(fractions(territory, icb, "ICB22CD"), stats["m2"], "icb")
    t = lap(t, "ICB shares")
    com_sh = shares(fractions(territory, ltla, "ltla24_code"), stats["m2"], "community")
    t = lap(t, "community shares")

    res = pd.DataFrame(pop).join(stats[["territory_areas", "territory_parts",
                                        "territory_area_km2"]]).join(icb_sh).join(com_sh)
    for c in ("territory_areas", "territory_parts"):
        res[c] = res[c].fillna(0).astype("int64")
    res["territory_area_km2"] = res["territory_area_km2"].fillna(0.0)
    for c in ("icb_outside_share", "community_outside_share"):
        res[c] = res[c].fillna(0.0)
    res = res.fillna("").sort_index()
    res.to_csv(out_path, float_format="%.12f",
               columns=["population", "territory_areas", "territory_parts",
                        "territory_area_km2", "icb_dominant", "icb_outside_share",
                        "icb_shares", "community_dominant", "community_outside_share",
                        "community_shares"])
    lap(t, "write csv")
    print(f"geopandas: total {time.perf_counter() - t0:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
