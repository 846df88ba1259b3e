#!/usr/bin/python3
"""The benchmark validation (bench/README.md) as a geopandas analyst would write it.

    geopandas_bench.py WORKLOAD_DIR OUT.csv

Debian 12's geopandas 0.12 / shapely 1.8 / fiona; GEOS underneath, as for pcnv and PostGIS.
Prints its step timings to stderr.
"""
import sys
import time

import geopandas as gpd
import pandas as pd

SLIVER = 1e-6  # pieces under this fraction of an LSOA are dropped, as in every implementation


def lap(t0, what):
    t = time.perf_counter()
    print(f"geopandas: {what:<28} {t - t0:8.3f} s", file=sys.stderr)
    return t


def shares(pieces, territory, code_col, prefix):
    """Area shares of each PCN's territory across one footprint layer."""
    # The LSOA x footprint overlay, once for the LSOAs in some territory.
    lsoa = territory[["lsoa11_code", "pcn_code", "lsoa_m2", "geometry"]]
    ov = gpd.overlay(lsoa, pieces[[code_col, "geometry"]], how="intersection",
                     keep_geom_type=True)
    ov["frac"] = (ov.geometry.area / ov["lsoa_m2"]).clip(upper=1.0)
    ov = ov[ov["frac"] > SLIVER]
    ov["m2"] = ov["lsoa_m2"] * ov["frac"]
    by = ov.groupby(["pcn_code", code_col], as_index=False)["m2"].sum()
    total = territory.groupby("pcn_code")["lsoa_m2"].sum().rename("total_m2")
    by = by.join(total, on="pcn_code")
    by["share"] = by["m2"] / by["total_m2"]
    by = by.sort_values(["pcn_code", code_col])
    rows = {}
    for pcn, g in by.groupby("pcn_code", sort=True):
        best = g.sort_values(["share", code_col], ascending=[False, True]).iloc[0]
        rows[pcn] = (
            best[code_col],
            1.0 - best["share"],
            "|".join(f"{c}:{s:.12f}" for c, s in zip(g[code_col], g["share"])),
        )
    out = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=[f"{prefix}_dominant", f"{prefix}_outside_share",
                                          f"{prefix}_shares"])
    out.index.name = "pcn_code"
    return out


def main():
    work, out_path = sys.argv[1], sys.argv[2]
    t = t0 = time.perf_counter()
    lsoa = gpd.read_file(f"{work}/lsoa11.gpkg")
    icb = gpd.read_file(f"{work}/icb22.gpkg")
    ltla = gpd.read_file(f"{work}/ltla24.gpkg")
    t = lap(t, "read layers")
    pmap = pd.read_csv(f"{work}/gp-reg-pat-prac-map.csv", dtype=str)
    lists = pd.read_csv(f"{work}/gp-reg-pat-prac-all.csv", dtype={"CODE": str})
    dist = pd.read_csv(f"{work}/gp-reg-pat-prac-lsoa-all.csv",
                       dtype={"PRACTICE_CODE": str, "LSOA_CODE": str, "SEX": str},
                       usecols=["PRACTICE_CODE", "LSOA_CODE", "SEX", "NUMBER_OF_PATIENTS"])
    t = lap(t, "read tables")

    members = pmap[["PRACTICE_CODE", "PCN_CODE"]].drop_duplicates("PRACTICE_CODE")
    lists = lists[(lists["SEX"] == "ALL") & (lists["AGE"] == "ALL")]
    pop = (members.merge(lists[["CODE", "NUMBER_OF_PATIENTS"]], how="left",
                         left_on="PRACTICE_CODE", right_on="CODE")
           .groupby("PCN_CODE")["NUMBER_OF_PATIENTS"].sum().astype("int64")
           .rename("population"))
    pop.index.name = "pcn_code"

    # Majority territory: each LSOA to the PCN with most patients, ties to the smaller code.
    dist = dist[dist["SEX"] == "ALL"].merge(members, on="PRACTICE_CODE")
    per = dist.groupby(["LSOA_CODE", "PCN_CODE"], as_index=False)["NUMBER_OF_PATIENTS"].sum()
    per = per.sort_values(["LSOA_CODE", "NUMBER_OF_PATIENTS", "PCN_CODE"],
                          ascending=[True, False, True])
    owner = per.drop_duplicates("LSOA_CODE")[["LSOA_CODE", "PCN_CODE"]]
    territory = lsoa.merge(owner, left_on="lsoa11_code", right_on="LSOA_CODE")
    territory = territory.rename(columns={"PCN_CODE": "pcn_code"})
    territory["lsoa_m2"] = territory.geometry.area
    t = lap(t, "population + majority")

    dissolved = territory[["pcn_code", "geometry"]].dissolve(by="pcn_code")
    parts = dissolved.geometry.apply(
        lambda g: len(g.geoms) if g.geom_type == "MultiPolygon" else (0 if g.is_empty else 1))
    stats = territory.groupby("pcn_code").agg(territory_areas=("lsoa11_code", "size"),
                                              m2=("lsoa_m2", "sum"))
    stats["territory_parts"] = parts
    stats["territory_area_km2"] = stats["m2"] / 1e6
    t = lap(t, "dissolve territories")

    icb_sh = shares(icb.rename(columns={"ICB22CD": "code_icb"}), territory, "code_icb", "icb")
    t = lap(t, "overlay with ICBs")
    com_sh = shares(ltla.rename(columns={"ltla24_code": "code_com"}), territory, "code_com",
                    "community")
    t = lap(t, "overlay with community")

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
