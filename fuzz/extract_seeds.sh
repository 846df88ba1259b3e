#!/usr/bin/env bash
# Seeds from files: the first rows of each input file (header included), as OUT/TARGET/NAME.
#
#   fuzz/extract_seeds.sh sample BUILD/sample OUT    the generated sample region (testdata/);
#                                                    its extracts are checked in (fuzz/corpus)
#   fuzz/extract_seeds.sh real ../shared/data OUT    small extracts of the real open data, made
#                                                    afresh by smoke.sh and campaign.sh into the
#                                                    build tree: never checked in (the data's
#                                                    README asks that it stay out of the repo)
# A missing source file is skipped with a note.
set -euo pipefail
kind=${1:?sample or real}
src=${2:?source folder}
out=${3:?output folder}
rows=${PCNV_SEED_ROWS:-12}

head_of() {  # head_of FILE TARGET NAME: header and the first $rows rows
  local file=$src/$1
  if [ ! -f "$file" ]; then
    echo "extract_seeds: $file absent, skipped" >&2
    return 0
  fi
  mkdir -p "$out/$2"
  head -n $((rows + 1)) "$file" > "$out/$2/$3"
}

features_of() {  # features_of FILE TARGET NAME: a GeoJSON layer cut to its first 2 features
  local file=$src/$1
  if [ ! -f "$file" ]; then
    echo "extract_seeds: $file absent, skipped" >&2
    return 0
  fi
  mkdir -p "$out/$2"
  /usr/bin/python3 - "$file" "$out/$2/$3" <<'PY'
import json, sys
layer = json.load(open(sys.argv[1]))
layer["features"] = layer["features"][:2]
json.dump(layer, open(sys.argv[2], "w"))
PY
}

case $kind in
  sample)
    head_of gp-reg-pat-prac-map.csv practices sample_map.csv
    head_of gp-reg-pat-prac-all.csv list_sizes sample_all.csv
    head_of gp-reg-pat-prac-lsoa-all.csv distribution sample_lsoa_all.csv
    head_of epraccur.csv practice_register sample_epraccur.csv
    head_of postcodes.csv postcode_directory sample_postcodes.csv
    head_of postcodes_nolsoa.csv postcode_directory sample_postcodes_nolsoa.csv
    features_of declared.geojson vector_layer sample_declared.geojson
    features_of areas.geojson vector_layer sample_areas.geojson
    ;;
  real)
    head_of nhsd/gp-reg-pat-prac-map_2026-08.csv practices real_map_2026.csv
    head_of nhsd/gp-reg-pat-prac-map_2022-01.csv practices real_map_2022.csv
    head_of nhsd/gp-reg-pat-prac-map_2020-09.csv practices real_map_2020.csv
    head_of ods/ePCN_2022-05_PCN_Core_Partner_Details.csv practices real_epcn_partners.csv
    head_of nhsd/gp-reg-pat-prac-all_2021-01.csv list_sizes real_all_2021.csv
    head_of ods/ePCN_2022-05_PCNDetails.csv epcn_pcn_details real_pcn_details.csv
    head_of ods/epraccur_2022-02.csv practice_register real_epraccur.csv
    head_of postcodes/nspl_2025-05/BB.csv postcode_directory real_nspl_bb.csv
    head_of greater_manchester/postcodes_trafford_postcodes.csv postcode_directory real_trafford.csv
    head_of west_sussex_2022/lsoa_pcn_lookup_Feb_22.csv distribution real_lsoa_pcn_lookup.csv
    features_of west_sussex_2022/pcn_boundary_simple.geojson vector_layer real_west_sussex.geojson
    ;;
  *)
    echo "usage: $0 sample|real SOURCE OUT" >&2
    exit 2
    ;;
esac
