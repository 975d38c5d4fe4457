#!/bin/sh
# Writes a synthetic file in SYKE's long export shape to stdout: every
# municipality code MUNIS from 001 up, the years 1990 and 2005-2024, and
# ROWS sub-sector rows per municipality and year spread over the 13 main
# sectors, with ETS and Hinku flags. VERSION changes every value, so that
# two versions of the same file replace each other's rows.
# Usage: scripts/gen-syke-long.sh MUNIS ROWS VERSION
# Used by the crash test and the import benchmark. Made up, not SYKE's data.
# SPDX-License-Identifier: AGPL-3.0-or-later
set -eu
munis=$1
rows=$2
version=$3
awk -v munis="$munis" -v rows="$rows" -v version="$version" 'BEGIN {
  split("Kulutussähkö Sähkölämmitys Kaukolämpö Öljylämmitys Muu_lämmitys Teollisuus Työkoneet Tieliikenne Raideliikenne Vesiliikenne Maatalous Jätteiden_käsittely F-kaasut", s, " ");
  printf "vuosi;kuntanumero;ktCO2e;ktCO2e_tuuli;energiankulutus (GWh);hinku-laskenta;päästökauppa;kunta;maakunta;taso_1;taso_2;taso_3;taso_4;taso_5\r\n";
  for (m = 1; m <= munis; m++) {
    for (y = 2004; y <= 2024; y++) {
      year = (y == 2004) ? 1990 : y;
      for (r = 0; r < rows; r++) {
        k = r % 13 + 1;
        sector = s[k]; gsub("_", " ", sector);
        ets = (k == 6 && r % 3 == 0) ? "On" : "Ei";
        hinku = (ets == "On" && r % 2 == 0) ? "Ei" : "On";
        kt = ((m * 37 + year * 11 + r * 7 + version * 13) % 5000) / 1000;
        v = sprintf("%.3f", kt); sub("\\.", ",", v);
        printf "%d;%03d;%s;%s;0,000;%s;%s;Kunta %03d;Maakunta;Energia;%s;%s;osa %d;käyttö %d\r\n", year, m, v, v, hinku, ets, m, sector, sector, r, r;
      }
    }
  }
}'
